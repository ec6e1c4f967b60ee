mod iam;
