//! The one error type at the protocol edge. Only this module knows AWS error
//! codes, HTTP statuses and fault types; everything else converts into it.

use std::fmt;

/// Which side of the conversation is at fault (`<Type>` in the envelope).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    Sender,
    Receiver,
}

macro_rules! error_codes {
    ($( $variant:ident => ($wire:literal, $status:literal) ),* $(,)?) => {
        /// Every AWS error code stsgate can answer with, as spelled on the wire.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum ErrorCode { $( $variant ),* }

        impl ErrorCode {
            /// The exact `<Code>` string SDKs map to exception classes.
            pub fn as_str(self) -> &'static str {
                match self { $( ErrorCode::$variant => $wire ),* }
            }
            /// The HTTP status AWS answers with for this code.
            pub fn status(self) -> u16 {
                match self { $( ErrorCode::$variant => $status ),* }
            }
        }
    };
}

error_codes! {
    // Generic Query-protocol and authentication errors (WIRE.md §6).
    AccessDenied => ("AccessDenied", 403),
    ExpiredToken => ("ExpiredToken", 403),
    IncompleteSignature => ("IncompleteSignature", 400),
    InternalFailure => ("InternalFailure", 500),
    InvalidAction => ("InvalidAction", 400),
    InvalidClientTokenId => ("InvalidClientTokenId", 403),
    InvalidParameterValue => ("InvalidParameterValue", 400),
    MalformedQueryString => ("MalformedQueryString", 404),
    MissingAction => ("MissingAction", 400),
    MissingAuthenticationToken => ("MissingAuthenticationToken", 403),
    RequestExpired => ("RequestExpired", 400),
    ServiceUnavailable => ("ServiceUnavailable", 503),
    SignatureDoesNotMatch => ("SignatureDoesNotMatch", 403),
    ValidationError => ("ValidationError", 400),
    PayloadTooLarge => ("RequestEntityTooLarge", 413),
    // STS (STS.md §5).
    ExpiredTokenException => ("ExpiredTokenException", 400),
    IdpCommunicationError => ("IDPCommunicationError", 400),
    IdpRejectedClaim => ("IDPRejectedClaim", 403),
    InvalidIdentityToken => ("InvalidIdentityToken", 400),
    MalformedPolicyDocument => ("MalformedPolicyDocument", 400),
    PackedPolicyTooLarge => ("PackedPolicyTooLarge", 400),
    RegionDisabled => ("RegionDisabledException", 403),
    InvalidAuthorizationMessage => ("InvalidAuthorizationMessageException", 400),
    // IAM (IAM.md §5).
    ConcurrentModification => ("ConcurrentModification", 409),
    DeleteConflict => ("DeleteConflict", 409),
    EntityAlreadyExists => ("EntityAlreadyExists", 409),
    EntityTemporarilyUnmodifiable => ("EntityTemporarilyUnmodifiable", 409),
    InvalidAuthenticationCode => ("InvalidAuthenticationCode", 403),
    InvalidInput => ("InvalidInput", 400),
    InvalidUserType => ("InvalidUserType", 400),
    LimitExceeded => ("LimitExceeded", 409),
    NoSuchEntity => ("NoSuchEntity", 404),
    OpenIdIdpCommunicationError => ("OpenIdIdpCommunicationError", 400),
    PasswordPolicyViolation => ("PasswordPolicyViolation", 400),
    PolicyEvaluation => ("PolicyEvaluation", 500),
    PolicyNotAttachable => ("PolicyNotAttachable", 400),
    ServiceFailure => ("ServiceFailure", 500),
    UnmodifiableEntity => ("UnmodifiableEntity", 400),
}

impl ErrorCode {
    pub fn fault(self) -> Fault {
        if self.status() >= 500 {
            Fault::Receiver
        } else {
            Fault::Sender
        }
    }
}

/// An error as the client will see it: AWS code, HTTP status and a message
/// naming the offending field. Never carries secrets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError {
            code,
            message: message.into(),
        }
    }

    pub fn status(&self) -> u16 {
        self.code.status()
    }

    pub fn validation(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::ValidationError, message)
    }

    pub fn invalid_input(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidInput, message)
    }

    pub fn no_such_entity(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::NoSuchEntity, message)
    }

    pub fn access_denied(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::AccessDenied, message)
    }

    pub fn malformed_policy(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::MalformedPolicyDocument, message)
    }

    pub fn invalid_identity_token(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidIdentityToken, message)
    }

    /// A server-side fault. The detail is logged by the caller, never sent.
    pub fn internal() -> Self {
        Self::new(
            ErrorCode::InternalFailure,
            "We encountered an internal error. Please try again.",
        )
    }

    pub fn invalid_client_token() -> Self {
        Self::new(
            ErrorCode::InvalidClientTokenId,
            "The security token included in the request is invalid.",
        )
    }

    pub fn expired_session_token() -> Self {
        Self::new(
            ErrorCode::ExpiredToken,
            "The security token included in the request is expired",
        )
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.message)
    }
}

impl std::error::Error for ApiError {}

pub type ApiResult<T> = Result<T, ApiError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_map_to_aws_statuses() {
        assert_eq!(ErrorCode::NoSuchEntity.status(), 404);
        assert_eq!(ErrorCode::EntityAlreadyExists.status(), 409);
        assert_eq!(ErrorCode::ExpiredTokenException.status(), 400);
        assert_eq!(ErrorCode::ExpiredToken.status(), 403);
        assert_eq!(ErrorCode::IdpRejectedClaim.as_str(), "IDPRejectedClaim");
        assert_eq!(ErrorCode::InternalFailure.fault(), Fault::Receiver);
        assert_eq!(ErrorCode::ValidationError.fault(), Fault::Sender);
    }
}
