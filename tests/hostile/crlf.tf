provider "aws" {
  region     = "eu-west-1"
  access_key = "AKIAQYLPMN5HHHFPZAM3"
}
