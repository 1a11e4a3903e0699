# The CI runner deploys with tf-deploy, whose trust (iam.tf) requires an ExternalId that
# this provider does not pass; the audit provider asks for a two-hour session from a
# role that allows one hour.
provider "aws" {
  region = "eu-west-1"
  assume_role {
    role_arn     = "arn:aws:iam::444444444444:role/tf-deploy"
    session_name = "terraform-ci"
  }
}

provider "aws" {
  alias  = "audit"
  region = "eu-west-1"
  assume_role {
    role_arn     = "arn:aws:iam::444444444444:role/app-audit"
    session_name = "terraform-audit"
    external_id  = "0b7e4c2a-91d3-4f6e-8a5c-2d1f9e3b6a47"
    duration     = "2h"
  }
}
