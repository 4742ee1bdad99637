//! MySQL binary JSON. Being written.
