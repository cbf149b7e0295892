/* pd-device.h: this station's identity towards the central system.
 *
 * Enrollment makes an Ed25519 key pair and registers its public half with a one-time code
 * (POST /v1/devices). The secret key stays in the keyring (kind "device-key", id the device
 * id); the device id, the office and the central system's public keys are store settings.
 */
#pragma once

#include "pd-store.h"
#include "pd-packet.h"
#include "pd-sync-client.h"

G_BEGIN_DECLS

#define PD_DEVICE_SECRET_KIND "device-key"

/* Store settings written at enrollment. */
#define PD_DEVICE_SETTING_ID              "sync.device-id"
#define PD_DEVICE_SETTING_SERVER_URL      "sync.server-url"
#define PD_DEVICE_SETTING_BOX_KEY         "sync.central-box-public-key"
#define PD_DEVICE_SETTING_SIGN_KEY        "sync.central-sign-public-key"
#define PD_DEVICE_SETTING_OFFICE_CODE     "sync.office-code"
#define PD_DEVICE_SETTING_OFFICE_NAME     "sync.office-name"
#define PD_DEVICE_SETTING_OFFICE_ADDRESS  "sync.office-address"
/* Optional PEM file of certificate authorities trusted besides the system's. */
#define PD_DEVICE_SETTING_CA_FILE         "sync.ca-file"

#define PD_TYPE_DEVICE (pd_device_get_type ())
G_DECLARE_FINAL_TYPE (PdDevice, pd_device, PD, DEVICE, GObject)

/* The enrolled identity of @store. Fails with PD_SYNC_ERROR_NOT_ENROLLED when the station
 * was never enrolled, and with a keyring error when the secret key cannot be read. Blocks on
 * the keyring: call it from a worker thread in the application. */
PdDevice     *pd_device_load             (PdStore             *store,
                                          GCancellable        *cancellable,
                                          GError             **error);

/* Enrolls @store with @server_url using @code; @name (nullable) is how the central system
 * lists the station. Replaces an earlier enrollment. */
void          pd_device_enroll_async     (PdStore             *store,
                                          const char          *server_url,
                                          const char          *ca_file,
                                          const char          *code,
                                          const char          *name,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
PdDevice     *pd_device_enroll_finish    (GAsyncResult        *result,
                                          GError             **error);

const char   *pd_device_get_device_id    (PdDevice            *self);
const char   *pd_device_get_server_url   (PdDevice            *self);
/* (nullable) */
const char   *pd_device_get_ca_file      (PdDevice            *self);
const char   *pd_device_get_office_code  (PdDevice            *self);
const char   *pd_device_get_office_name  (PdDevice            *self);
const guint8 *pd_device_get_central_box_public_key (PdDevice *self);

/* A client for the device's server (or @server_url when not NULL) that signs as the device. */
PdSyncClient *pd_device_create_client    (PdDevice            *self,
                                          const char          *server_url,
                                          GError             **error);
/* Seals and signs @inner for the central system as this device. */
PdPacket     *pd_device_seal_packet      (PdDevice            *self,
                                          const char          *packet_id,
                                          gint64               created_at,
                                          const char          *inner,
                                          gsize                inner_length);
/* The same for a packet of another @kind (PD_PACKET_KIND_DECLARATION). */
PdPacket     *pd_device_seal_packet_of_kind (PdDevice         *self,
                                             const char       *packet_id,
                                             gint64            created_at,
                                             const char       *kind,
                                             const char       *inner,
                                             gsize             inner_length);

G_END_DECLS
