# Seed 000: Terraform connects to account A with pasted keys and assumes a role in B.
terraform {
  required_version = ">= 1.6.0"
}

provider "aws" {
  # The security credentials for AWS Account A.
  access_key = "AKIAQYLPMN5HHHFPZAM2"
  secret_key = "9drTJvcXLB89EXAMPLEKEYbPxRfiCYQuYrF7mKq1"
  region     = "us-east-1"

  assume_role {
    role_arn     = "arn:aws:iam::222222222222:role/role_in_account_b"
    external_id  = "my_external_id"
    session_name = "terraform"
  }
}
