/* fuzz-central-queue.c: what passdesk-central does with a station's queue requests: ticket
 * pushes, calls, appointment bookings and slips (bodies), and the queue and appointment pulls
 * (queries). The first byte chooses the route, the rest is the body or the query. Everything
 * runs against a real central database in a temporary directory, kept across inputs as a
 * server keeps it across requests; each answer must be a JSON object under a status the
 * protocol names, an error body for anything but 200. */
#include "config.h"

#include "fuzz-central-db.h"
#include "pd-central-queue.h"
#include "fuzz-target.h"

static PdCentralQueue *
get_queue (void)
{
  static PdCentralQueue *queue;

  if (queue == NULL)
    queue = pd_central_queue_new (pd_fuzz_central_db ());
  return queue;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static const PdCentralQueueRoute routes[] = {
    PD_CENTRAL_QUEUE_PUSH, PD_CENTRAL_QUEUE_CALL, PD_CENTRAL_QUEUE_BOOKINGS,
    PD_CENTRAL_QUEUE_SLIPS, PD_CENTRAL_QUEUE_PULL, PD_CENTRAL_QUEUE_APPOINTMENTS,
  };
  PdCentralQueue *queue = get_queue ();
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *query = NULL;
  PdCentralQueueRoute route;
  guint status = 0;

  if (size == 0)
    return 0;
  route = routes[data[0] % G_N_ELEMENTS (routes)];
  /* A query reaches the handler as text: soup stops it at a NUL. */
  query = g_strndup ((const char *) data + 1, MIN (size - 1, 2048));
  if (route == PD_CENTRAL_QUEUE_PULL || route == PD_CENTRAL_QUEUE_APPOINTMENTS)
    answer = pd_central_queue_handle (queue, route, "HN01", query, NULL, 0, &status);
  else
    answer = pd_central_queue_handle (queue, route, "HN01", NULL, data + 1, size - 1, &status);

  g_assert (answer != NULL && JSON_NODE_HOLDS_OBJECT (answer));
  g_assert_cmpuint (status, >=, 200);
  g_assert_cmpuint (status, <, 600);
  if (status != 200)
    g_assert (json_object_has_member (json_node_get_object (answer), "error"));
  return 0;
}
