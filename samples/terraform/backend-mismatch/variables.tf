variable "region" {
  type    = string
  default = "us-west-1"
}

locals {
  prod_account = "444444444444"
}
