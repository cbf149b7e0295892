/* pd-types.h: forward declarations shared by the core and its users. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _PdDossier   PdDossier;
typedef struct _PdReference PdReference;
typedef struct _PdStore     PdStore;
typedef struct _PdKeyring   PdKeyring;

G_END_DECLS
