provider "aws" {
  region = var.region

  assume_role {
    role_arn     = "arn:aws:iam::${local.prod_account}:role/Terraform-Role"
    session_name = "terraform"
  }
}
