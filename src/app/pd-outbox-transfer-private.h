/* pd-outbox-transfer-private.h: what the UI tests reach into. */
#pragma once

#include "pd-outbox-transfer.h"

G_BEGIN_DECLS

/* With a file set, the actions use it instead of asking in the file chooser (which a test
 * cannot drive: it may be a portal's); NULL asks again. The rest of the flow is the same. */
void        pd_outbox_transfer_set_test_file   (PdWindow *window,
                                                GFile    *file);
/* Whether an export or import is under way in @window. */
gboolean    pd_outbox_transfer_get_busy        (PdWindow *window);
/* The file name the save dialog proposes. */
char       *pd_outbox_transfer_get_default_name (PdWindow *window);

G_END_DECLS
