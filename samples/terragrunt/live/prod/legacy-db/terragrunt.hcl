# A unit that predates the shared root: its own state config, written the old way and
# copied from the staging unit, so its backend assumes the db-admin role of the staging
# account while the iam_role is prod's db-admin.
terraform {
  source = "../../../modules//db"
}

iam_role                     = "arn:aws:iam::333333333333:role/db-admin"
iam_assume_role_session_name = "terragrunt-db"

remote_state {
  backend = "s3"
  config = {
    bucket       = "acme-legacy-state"
    key          = "prod/db/terraform.tfstate"
    region       = "eu-west-1"
    role_arn     = "arn:aws:iam::111111111111:role/db-admin"
    session_name = "terragrunt-legacy"
  }
}
