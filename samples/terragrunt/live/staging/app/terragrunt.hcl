# Staging keeps its own state and provider in the staging account, but the
# generated provider still points at the old staging role.
locals {
  account = "444444444444"
}

terraform {
  source = "../../../modules//app"
}

remote_state {
  backend = "s3"
  config = {
    bucket = "acme-staging-state"
    key    = "app/terraform.tfstate"
    region = "eu-west-1"
    assume_role = {
      role_arn     = "arn:aws:iam::${local.account}:role/staging-deploy"
      session_name = "terragrunt-staging"
    }
  }
}

generate "provider" {
  path      = "provider.tf"
  if_exists = "overwrite"
  contents  = <<EOF
provider "aws" {
  region = "eu-west-1"
  assume_role {
    role_arn     = "arn:aws:iam::${local.account}:role/staging-admin"
    session_name = "terragrunt-staging"
  }
}
EOF
}
