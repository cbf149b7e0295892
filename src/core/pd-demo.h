/* pd-demo.h: realistic synthetic applications, for demos, tests and benchmarks.
 *
 * Never real people: names, numbers and addresses are drawn at random from common Vietnamese
 * names and the reference data, so that screens, search and load look like a real office.
 */
#pragma once

#include <glib.h>

#include "pd-types.h"

G_BEGIN_DECLS

/* A new dossier that passes pd_validate_dossier() against @reference on the local day of @now
 * (and raises no pd_validate_warnings()), filed and last changed no later than @now. The same
 * @rand state gives the same dossier. */
PdDossier *pd_demo_dossier_new (PdReference *reference,
                                GRand       *rand,
                                GDateTime   *now);

G_END_DECLS
