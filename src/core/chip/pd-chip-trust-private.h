/* pd-chip-trust-private.h: the OpenSSL store behind PdChipTrust, for passive authentication. */
#pragma once

#include <openssl/x509.h>

#include "pd-chip-trust.h"

X509_STORE *pd_chip_trust_get_store (PdChipTrust *trust);
