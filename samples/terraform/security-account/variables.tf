variable "security_account_id" {
  description = "The account that holds the IAM users."
  type        = string
  default     = "111111111111"
}

variable "vendor_account_id" {
  type    = string
  default = "999999999999"
}
