# One state bucket for every environment, in the state account (999999999999), reached
# through one role; each environment deploys into its own account.
terraform {
  backend "s3" {
    bucket       = "acme-terraform-state"
    key          = "prod/terraform.tfstate"
    region       = "eu-west-1"
    use_lockfile = true
    assume_role  = {
      role_arn     = "arn:aws:iam::999999999999:role/terraform"
      session_name = "terraform-state-prod"
    }
  }
}

provider "aws" {
  region = "eu-west-1"
  assume_role {
    role_arn     = "arn:aws:iam::222222222222:role/terraform"
    session_name = "terraform-prod"
  }
}
