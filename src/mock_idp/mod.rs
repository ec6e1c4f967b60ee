//! Mock IdP.
