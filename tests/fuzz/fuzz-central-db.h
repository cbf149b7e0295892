/* fuzz-central-db.h: the central database the server-side fuzz targets share. */
#pragma once

#include "pd-central-db.h"

PdCentralDb *pd_fuzz_central_db (void);
