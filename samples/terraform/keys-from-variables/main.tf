# Long-lived keys fed in through variables: nothing is pasted, but the module still runs
# on an IAM user's access keys instead of assuming a role.
variable "aws_access_key" {
  type      = string
  sensitive = true
}

variable "aws_secret_key" {
  type      = string
  sensitive = true
}

provider "aws" {
  region     = "eu-west-1"
  access_key = var.aws_access_key
  secret_key = var.aws_secret_key
}
