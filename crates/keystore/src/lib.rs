//! keystore
