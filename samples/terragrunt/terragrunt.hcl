# Root configuration: every unit under live/ includes it.
locals {
  shared_account = "111111111111" # the old shared-services account
  deploy_account = "222222222222"
  region         = get_env("AWS_REGION", "eu-west-1")
}

remote_state {
  backend = "s3"
  generate = {
    path      = "backend.tf"
    if_exists = "overwrite_terragrunt"
  }
  config = {
    bucket         = "acme-tf-state-${local.shared_account}"
    key            = "${path_relative_to_include()}/terraform.tfstate"
    region         = local.region
    encrypt        = true
    dynamodb_table = "tf-locks"
    assume_role = {
      role_arn     = "arn:aws:iam::${local.shared_account}:role/terraform"
      session_name = "terragrunt-state"
    }
  }
}

# The generated provider deploys into another account than the state backend uses, and
# the backend's role is no dedicated state role: state and resources disagree.
generate "provider" {
  path      = "provider.tf"
  if_exists = "overwrite_terragrunt"
  contents  = <<-EOF
    provider "aws" {
      region = "${local.region}"
      assume_role {
        role_arn     = "arn:aws:iam::${local.deploy_account}:role/deploy"
        session_name = "terragrunt-deploy"
      }
    }
  EOF
}
