//! Column values in row images: types, metadata and decoders.

pub mod decimal;
pub mod json;
