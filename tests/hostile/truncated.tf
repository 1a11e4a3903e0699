provider "aws" {
  region = "eu-we