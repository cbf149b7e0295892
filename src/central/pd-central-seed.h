/* pd-central-seed.h: demo content for a central database. */
#pragma once

#include "pd-central-db.h"

G_BEGIN_DECLS

/* The demo officers' passwords, also shown by "passdesk-central seed-demo --help". */
#define PD_CENTRAL_DEMO_PASSWORDS \
  "officer1 / officer1-demo (officer), supervisor1 / supervisor1-demo (supervisor), " \
  "volunteer1 / volunteer1-demo (volunteer)"

/* Adds (or refreshes) the demo offices and officers, three enrollment codes for @office_code
 * and one for each other office, @n_declarations online declarations filed for
 * @office_code, and moves applications already received along (received -> processing ->
 * ready, one in five of those rejected). Appends what was made, including the enrollment
 * codes, to @report. */
gboolean pd_central_seed_demo (PdCentralDb  *db,
                               const char   *office_code,
                               guint         n_declarations,
                               GString      *report,
                               GError      **error);

G_END_DECLS
