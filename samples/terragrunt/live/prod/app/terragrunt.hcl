# The unit itself only sets iam_role; it inherits remote_state and the generated provider
# from the root terragrunt.hcl, whose roles it does not match (AL301, reported there).
include "root" {
  path = find_in_parent_folders()
}

terraform {
  source = "../../../modules//app"
}

iam_role                     = "arn:aws:iam::222222222222:role/deploy"
iam_assume_role_session_name = "terragrunt-app"
iam_assume_role_duration     = 3600

inputs = {
  name = "app"
}
