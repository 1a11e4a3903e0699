# One state bucket for every environment, in the state account (999999999999), reached
# through one role; each environment deploys into its own account.
terraform {
  backend "s3" {
    bucket       = "acme-terraform-state"
    key          = "dev/terraform.tfstate"
    region       = "eu-west-1"
    use_lockfile = true
    assume_role  = {
      role_arn     = "arn:aws:iam::999999999999:role/terraform"
      session_name = "terraform-state-dev"
    }
  }
}

provider "aws" {
  region = "eu-west-1"
  assume_role {
    role_arn     = "arn:aws:iam::111111111111:role/terraform"
    session_name = "terraform-dev"
  }
}
