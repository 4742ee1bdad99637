//! Column values in row images: types, metadata and decoders.

pub mod json;
