# Plain locals read by units through read_terragrunt_config(): not a unit itself.
locals {
  environment = "prod"
}
