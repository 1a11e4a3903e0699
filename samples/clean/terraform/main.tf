# The same provider/backend pair done right: one role, same account, a session name.
terraform {
  backend "s3" {
    bucket = "terraform-state"
    key    = "prod/terraform.tfstate"
    region = "us-west-1"
    assume_role = {
      role_arn     = "arn:aws:iam::444444444444:role/Terraform-Role"
      session_name = "terraform"
    }
  }
}

provider "aws" {
  region = "us-west-1"

  assume_role {
    role_arn     = "arn:aws:iam::444444444444:role/Terraform-Role"
    session_name = "terraform"
  }
}

resource "aws_iam_role" "vendor_readonly" {
  name                 = "vendor-readonly"
  max_session_duration = 3600
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "Vendor"
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::999999999999:root" }
      Action    = "sts:AssumeRole"
      Condition = {
        StringEquals = { "sts:ExternalId" = "d3b07384-d9a0-4c8e-9f1a-1c2b3d4e5f60" }
      }
    }]
  })
}

resource "aws_iam_role" "org_readers" {
  name = "org-readers"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "*" }
      Action    = "sts:AssumeRole"
      Condition = {
        StringEquals = { "aws:PrincipalOrgID" = "o-a1b2c3d4e5" }
        Bool         = { "aws:MultiFactorAuthPresent" = "true" }
      }
    }]
  })
}
