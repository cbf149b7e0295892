/* pd-device-private.h: the central system's answer to an enrollment, read apart from the
 * keyring and the store.
 *
 * The reader does no I/O, so that the fuzz target (tests/fuzz/fuzz-enroll-reply.c) and the
 * tests run exactly what pd_device_enroll_async() runs on the answer before it keeps the
 * device key and writes the settings.
 */
#pragma once

#include "pd-device.h"

G_BEGIN_DECLS

#define PD_DEVICE_MAX_OFFICE_CODE_BYTES  32
#define PD_DEVICE_MAX_OFFICE_NAME_BYTES  400
#define PD_DEVICE_MAX_ADDRESS_BYTES      1000

typedef struct {
  char   *device_id;        /* a uuid */
  char   *office_code;
  char   *office_name;      /* nullable */
  char   *office_address;   /* nullable */
  char   *box_key_text;     /* base64url, as the settings keep it */
  char   *sign_key_text;
  guint8  box_public_key[PD_PACKET_BOX_KEY_BYTES];
  guint8  sign_public_key[PD_PACKET_PUBLIC_KEY_BYTES];
} PdDeviceEnrollReply;

void     pd_device_enroll_reply_clear      (PdDeviceEnrollReply  *reply);

/* Reads the body of a 2xx answer to POST /v1/devices into @reply (cleared first). FALSE with
 * PD_SYNC_ERROR_RETRY, naming the member, when it is not the protocol's shape; @reply is then
 * empty. */
gboolean pd_device_enroll_parse_reply      (const char           *json,
                                            gsize                 length,
                                            PdDeviceEnrollReply  *reply,
                                            GError              **error);
/* The same over a body already parsed with pd_json_parse(), as PdSyncClient gives it. */
gboolean pd_device_enroll_parse_reply_node (JsonNode             *body,
                                            PdDeviceEnrollReply  *reply,
                                            GError              **error);

G_END_DECLS
