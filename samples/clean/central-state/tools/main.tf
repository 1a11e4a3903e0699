# The pipeline's own credentials reach the state bucket; the provider assumes a role in
# the workload account (Terraform's documented multi-account layout).
terraform {
  backend "s3" {
    bucket       = "acme-terraform-state"
    key          = "tools/terraform.tfstate"
    region       = "eu-west-1"
    use_lockfile = true
  }
}

provider "aws" {
  region = "eu-west-1"
  assume_role {
    role_arn     = "arn:aws:iam::333333333333:role/terraform"
    session_name = "terraform-tools"
  }
}
