# Roles of the workload account (444444444444), defined in this repository and assumed
# by the workflow, the providers and the AWS CLI profiles next to it.

# Assumed by .github/workflows/deploy.yml: the trust was written for the main branch,
# before the job moved to the "production" environment.
resource "aws_iam_role" "gha_deploy" {
  name = "gha-deploy"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "GitHubMain"
      Effect    = "Allow"
      Principal = { Federated = "arn:aws:iam::444444444444:oidc-provider/token.actions.githubusercontent.com" }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = {
        StringEquals = {
          "token.actions.githubusercontent.com:aud" = "sts.amazonaws.com"
          "token.actions.githubusercontent.com:sub" = "repo:example-org/app:ref:refs/heads/main"
        }
      }
    }]
  })
}

# Assumed by the CI account's Terraform (infra/providers.tf): requires an ExternalId.
resource "aws_iam_role" "tf_deploy" {
  name = "tf-deploy"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "CiAccount"
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::555555555555:role/ci-runner" }
      Action    = "sts:AssumeRole"
      Condition = {
        StringEquals = { "sts:ExternalId" = "5d0c8e7a-2f4b-4c1e-9a6d-3b8f1e2c7d90" }
      }
    }]
  })
}

# Read-only audit role: sessions of at most one hour.
resource "aws_iam_role" "audit" {
  name                 = "app-audit"
  max_session_duration = 3600
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "CiRunner"
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::555555555555:role/ci-runner" }
      Action    = "sts:AssumeRole"
      Condition = {
        StringEquals = { "sts:ExternalId" = "0b7e4c2a-91d3-4f6e-8a5c-2d1f9e3b6a47" }
      }
    }]
  })
}

# Break-glass access for people: MFA required.
resource "aws_iam_role" "break_glass" {
  name = "app-break-glass"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "PeopleWithMfa"
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::444444444444:root" }
      Action    = "sts:AssumeRole"
      Condition = {
        Bool = { "aws:MultiFactorAuthPresent" = "true" }
      }
    }]
  })
}
