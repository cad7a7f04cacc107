// Registry sources, layered: the organisation's own JSON export, the online
// registries (KRR v2, Enhetsregisteret, the integrasjonspunkt's capabilities) and
// the built-in training recipients. A Directory asks them in that order; the first
// that knows an identifier answers (docs/registry.md).
//
// One file per source, each declaring its own configuration section; this header
// gathers them.
#pragma once

#include "registry/brreg.hpp"
#include "registry/capabilities.hpp"
#include "registry/directory.hpp"
#include "registry/file_source.hpp"
#include "registry/krr.hpp"
#include "registry/source.hpp"
