# Seed 002: IAM users live in the security account (111111111111); engineers assume
# roles in dev, stage and prod. These role definitions belong to the target accounts.

# dev: users of the security account, MFA enforced the right way.
resource "aws_iam_role" "dev_admin" {
  name                 = "dev-admin"
  max_session_duration = 3600
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "SecurityAccountWithMfa"
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::${var.security_account_id}:root" }
      Action    = "sts:AssumeRole"
      Condition = {
        Bool = { "aws:MultiFactorAuthPresent" = "true" }
      }
    }]
  })
}

# stage: "MFA required", except that BoolIfExists lets long-term keys in without MFA.
resource "aws_iam_role" "stage_admin" {
  name = "stage-admin"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "SecurityAccountMfa"
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::111111111111:root" }
      Action    = "sts:AssumeRole"
      Condition = {
        BoolIfExists = { "aws:MultiFactorAuthPresent" = "true" }
      }
    }]
  })
}

# prod: one named user, no MFA at all.
resource "aws_iam_role" "prod_deployer" {
  name               = "prod-deployer"
  assume_role_policy = data.aws_iam_policy_document.prod_deployer_trust.json
}

data "aws_iam_policy_document" "prod_deployer_trust" {
  statement {
    sid     = "DeployUser"
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::111111111111:user/spa-deployment"]
    }
  }
}

# A third-party monitoring vendor reads the account: no ExternalId, the confused
# deputy problem the ExternalId exists for.
resource "aws_iam_role" "vendor_readonly" {
  name               = "vendor-readonly"
  assume_role_policy = <<-POLICY
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Sid": "Vendor",
          "Effect": "Allow",
          "Principal": {"AWS": "arn:aws:iam::${var.vendor_account_id}:root"},
          "Action": "sts:AssumeRole"
        }
      ]
    }
  POLICY
}

# A "partner" role opened to everybody, with only an ExternalId standing guard.
resource "aws_iam_role" "partner_ingest" {
  name               = "partner-ingest"
  assume_role_policy = file("${path.module}/trust/partner-ingest.json")
}
