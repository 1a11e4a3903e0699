# Seed 001: the backend and the provider both assume a role, but not the same one.
terraform {
  required_version = ">= 1.4.0"
  backend "s3" {
    region   = "us-west-1"
    bucket   = "terraform-state"
    key      = "prod/terraform.tfstate"
    role_arn = "arn:aws:iam::111111111111:role/Terraform-Role"
  }
}
