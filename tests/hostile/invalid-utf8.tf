provider "aws" {
  region = "euÿ-west-1"
}
