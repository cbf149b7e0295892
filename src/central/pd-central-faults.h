/* pd-central-faults.h: deliberate failures of the server, to test the stations against them.
 *
 * The stations' retry, resume and idempotency paths meet a server that misbehaves like a real
 * network.
 *
 * A spec is a comma-separated list of MODE:PROBABILITY, plus retry-after:SECONDS, e.g.
 * "503:0.2,500:0.05,garbage:0.05,truncate:0.05,slow:0.02,commit-then-503:0.1,retry-after:2".
 * The same seed gives the same sequence of faults.
 */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

typedef enum {
  PD_CENTRAL_FAULT_NONE,
  PD_CENTRAL_FAULT_503,             /* 503 with Retry-After, before anything is stored */
  PD_CENTRAL_FAULT_500,             /* 500, before anything is stored */
  PD_CENTRAL_FAULT_GARBAGE,         /* 200 with a body that is not JSON, nothing stored */
  PD_CENTRAL_FAULT_TRUNCATE,        /* the real answer, cut short: Content-Length not reached */
  PD_CENTRAL_FAULT_SLOW,            /* the real answer, one byte a second, never finished */
  PD_CENTRAL_FAULT_COMMIT_THEN_503, /* stored, then answered 503: the receipt is lost */
  PD_CENTRAL_N_FAULTS
} PdCentralFault;

typedef struct _PdCentralFaults PdCentralFaults;

PdCentralFaults *pd_central_faults_new             (const char       *spec,
                                                    guint32           seed,
                                                    GError          **error);
void             pd_central_faults_free            (PdCentralFaults  *faults);
PdCentralFault   pd_central_faults_draw            (PdCentralFaults  *faults);
const char      *pd_central_fault_to_string        (PdCentralFault    fault);

/* Answers @msg in place of its handler when @fault fails a request before anything is stored
 * (503, 500, garbage); TRUE then. */
gboolean         pd_central_faults_answer_before   (PdCentralFaults   *faults,
                                                    SoupServerMessage *msg,
                                                    PdCentralFault     fault);
/* Spoils the answer that the handler gave @msg, when @fault does that: 503 once stored, or
 * the answer cut short or dribbled on a connection taken from libsoup. */
void             pd_central_faults_answer_after    (PdCentralFaults   *faults,
                                                    SoupServerMessage *msg,
                                                    PdCentralFault     fault);
/* Closes every connection that a "slow" fault keeps open. */
void             pd_central_faults_stop            (PdCentralFaults   *faults);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdCentralFaults, pd_central_faults_free)

G_END_DECLS
