//! SigV4 canonicalisation, signing and verification as pure functions. (Being written.)
