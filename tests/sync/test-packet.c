/* test-packet.c: building, parsing, verifying and opening packets; request signatures. */
#include "config.h"

#include <string.h>
#include <sodium.h>

#include "pd-test-support.h"
#include "sync/pd-packet.h"
#include "sync/pd-sync-client.h"

#define PACKET_ID "5b0b8a55-7a37-4f5e-9a58-0d5b1d7f6c01"
#define DEVICE_ID "0f6f2a3e-1c4b-4d2e-8a9f-3b7c6d5e4f10"
#define OTHER_ID  "9a1e6c2b-4d3f-4e5a-8b6c-7d8e9f0a1b2c"

typedef struct {
  guint8 sign_pk[PD_PACKET_PUBLIC_KEY_BYTES];
  guint8 sign_sk[PD_PACKET_SECRET_KEY_BYTES];
  guint8 box_pk[PD_PACKET_BOX_KEY_BYTES];
  guint8 box_sk[PD_PACKET_BOX_KEY_BYTES];
} Keys;

static void
make_keys (Keys *keys)
{
  pd_packet_make_sign_keys (keys->sign_pk, keys->sign_sk);
  crypto_box_keypair (keys->box_pk, keys->box_sk);
}

static char *
make_inner (const char *packet_id,
            const char *device_id)
{
  return g_strdup_printf ("{\"packet_id\":\"%s\",\"device_id\":\"%s\","
                          "\"dossier\":{\"full_name\":\"NGUYỄN VĂN AN\"},"
                          "\"accepted_by\":\"officer1\",\"accepted_at\":1790000000}",
                          packet_id, device_id);
}

static PdPacket *
make_packet (const Keys *keys)
{
  g_autofree char *inner = make_inner (PACKET_ID, DEVICE_ID);

  return pd_packet_seal (PACKET_ID, DEVICE_ID, 1790000000, PD_PACKET_KIND_DOSSIER,
                         inner, strlen (inner), keys->box_pk, keys->sign_sk);
}

static PdPacket *
copy_packet (const PdPacket *packet)
{
  g_autofree char *text = pd_packet_to_string (packet);
  PdPacket *copy = pd_packet_from_string (text, NULL);

  g_assert_nonnull (copy);
  return copy;
}

static void
test_base64url (void)
{
  static const struct { const char *text; gboolean ok; gsize length; } cases[] = {
    { "", TRUE, 0 },
    { "AA", TRUE, 1 },
    { "AAE", TRUE, 2 },
    { "-_-_", TRUE, 3 },
    { "AA==", FALSE, 0 },     /* padding */
    { "+/+/", FALSE, 0 },     /* standard alphabet */
    { "AB", FALSE, 0 },       /* non-zero trailing bits: another spelling of "AA" */
    { "A", FALSE, 0 },        /* impossible length */
    { "AA AA", FALSE, 0 },    /* white space */
    { "AA\n", FALSE, 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) bytes = pd_base64url_decode (cases[i].text, &error);

      if (cases[i].ok)
        {
          g_assert_no_error (error);
          g_assert_cmpuint (g_bytes_get_size (bytes), ==, cases[i].length);
        }
      else
        {
          g_assert_error (error, PD_PACKET_ERROR, PD_PACKET_ERROR_INVALID);
          g_assert_null (bytes);
        }
    }

  for (gsize length = 0; length < 70; length++)
    {
      g_autofree guint8 *data = g_malloc (length + 1);
      g_autofree char *text = NULL;
      g_autoptr(GBytes) back = NULL;

      randombytes_buf (data, length);
      text = pd_base64url_encode (data, length);
      g_assert_null (strchr (text, '='));
      g_assert_null (strchr (text, '+'));
      g_assert_null (strchr (text, '/'));
      back = pd_base64url_decode (text, NULL);
      g_assert_nonnull (back);
      g_assert_cmpmem (g_bytes_get_data (back, NULL), g_bytes_get_size (back), data, length);
    }
}

static void
test_hash (void)
{
  g_autofree char *empty = pd_packet_hash_hex (NULL, 0);
  g_autofree char *abc = pd_packet_hash_hex ("abc", 3);

  /* BLAKE2b-256 test vectors. */
  g_assert_cmpstr (empty, ==, "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");
  g_assert_cmpstr (abc, ==, "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319");
}

static void
test_round_trip (void)
{
  Keys keys;
  g_autoptr(PdPacket) packet = NULL;
  g_autoptr(PdPacket) parsed = NULL;
  g_autoptr(JsonObject) inner = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *signing = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *expected = NULL;
  gsize length;
  const guint8 *sealed;

  make_keys (&keys);
  packet = make_packet (&keys);
  text = pd_packet_to_string (packet);

  parsed = pd_packet_from_string (text, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (parsed->packet_id, ==, PACKET_ID);
  g_assert_cmpstr (parsed->device_id, ==, DEVICE_ID);
  g_assert_cmpint (parsed->created_at, ==, 1790000000);
  g_assert_cmpstr (parsed->kind, ==, "dossier");
  g_assert_true (g_bytes_equal (parsed->sealed, packet->sealed));

  sealed = g_bytes_get_data (parsed->sealed, &length);
  hash = pd_packet_hash_hex (sealed, length);
  expected = g_strdup_printf ("PASSDESK-PACKET-V1\n%s\n%s\n1790000000\ndossier\n%s",
                              PACKET_ID, DEVICE_ID, hash);
  signing = pd_packet_get_signing_string (parsed);
  g_assert_cmpstr (signing, ==, expected);
  /* The signature is a plain Ed25519 detached signature over the documented string. */
  g_assert_cmpint (crypto_sign_verify_detached (g_bytes_get_data (parsed->signature, NULL),
                                                (const guint8 *) expected, strlen (expected),
                                                keys.sign_pk), ==, 0);

  g_assert_true (pd_packet_verify (parsed, keys.sign_pk, &error));
  g_assert_no_error (error);
  inner = pd_packet_open (parsed, keys.box_pk, keys.box_sk, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (inner, "accepted_by"), ==, "officer1");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (inner, "dossier"),
                                                  "full_name"), ==, "NGUYỄN VĂN AN");
  /* The station cannot read back what it sealed: the content is not in the packet's clear. */
  g_assert_null (strstr (text, "officer1"));
}

static void
test_wrong_keys (void)
{
  Keys keys, other;
  g_autoptr(PdPacket) packet = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) inner = NULL;

  make_keys (&keys);
  make_keys (&other);
  packet = make_packet (&keys);

  g_assert_false (pd_packet_verify (packet, other.sign_pk, &error));
  g_assert_error (error, PD_PACKET_ERROR, PD_PACKET_ERROR_SIGNATURE);
  g_clear_error (&error);

  inner = pd_packet_open (packet, other.box_pk, other.box_sk, &error);
  g_assert_error (error, PD_PACKET_ERROR, PD_PACKET_ERROR_OPEN);
  g_assert_null (inner);
}

static void
test_tampered (void)
{
  Keys keys;
  g_autoptr(PdPacket) packet = NULL;

  make_keys (&keys);
  packet = make_packet (&keys);

  /* Each field covered by the signature, changed after signing. */
  for (guint field = 0; field < 5; field++)
    {
      g_autoptr(PdPacket) copy = copy_packet (packet);
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) inner = NULL;

      switch (field)
        {
        case 0:
          g_free (copy->packet_id);
          copy->packet_id = g_strdup (OTHER_ID);
          break;
        case 1:
          g_free (copy->device_id);
          copy->device_id = g_strdup (OTHER_ID);
          break;
        case 2:
          copy->created_at++;
          break;
        case 3:
          g_free (copy->kind);
          copy->kind = g_strdup ("dossiers");
          break;
        case 4:
          {
            gsize length;
            guint8 *data = g_bytes_unref_to_data (copy->sealed, &length);

            data[length / 2] ^= 0x01;
            copy->sealed = g_bytes_new_take (data, length);
          }
          break;
        default:
          g_assert_not_reached ();
        }

      g_assert_false (pd_packet_verify (copy, keys.sign_pk, &error));
      g_assert_error (error, PD_PACKET_ERROR, PD_PACKET_ERROR_SIGNATURE);
      g_clear_error (&error);

      /* Even unsigned, a changed id or content never opens as the original. */
      inner = pd_packet_open (copy, keys.box_pk, keys.box_sk, &error);
      if (field == 0 || field == 1)
        g_assert_error (error, PD_PACKET_ERROR, PD_PACKET_ERROR_MISMATCH);
      else if (field == 4)
        g_assert_error (error, PD_PACKET_ERROR, PD_PACKET_ERROR_OPEN);
      else
        g_assert_no_error (error);
    }

  /* A flipped signature bit. */
  {
    g_autoptr(PdPacket) copy = copy_packet (packet);
    g_autoptr(GError) error = NULL;
    gsize length;
    guint8 *data = g_bytes_unref_to_data (copy->signature, &length);

    data[0] ^= 0x80;
    copy->signature = g_bytes_new_take (data, length);
    g_assert_false (pd_packet_verify (copy, keys.sign_pk, &error));
    g_assert_error (error, PD_PACKET_ERROR, PD_PACKET_ERROR_SIGNATURE);
  }
}

static void
test_inner_ids (void)
{
  Keys keys;
  static const struct { const char *packet_id; const char *device_id; } cases[] = {
    { OTHER_ID, DEVICE_ID },
    { PACKET_ID, OTHER_ID },
  };

  make_keys (&keys);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *inner = make_inner (cases[i].packet_id, cases[i].device_id);
      g_autoptr(PdPacket) packet = pd_packet_seal (PACKET_ID, DEVICE_ID, 1790000000, "dossier",
                                                   inner, strlen (inner), keys.box_pk, keys.sign_sk);
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) opened = NULL;

      /* Properly signed, yet the content names another packet: refused when opened. */
      g_assert_true (pd_packet_verify (packet, keys.sign_pk, NULL));
      opened = pd_packet_open (packet, keys.box_pk, keys.box_sk, &error);
      g_assert_error (error, PD_PACKET_ERROR, PD_PACKET_ERROR_MISMATCH);
      g_assert_null (opened);
    }

  {
    const char *not_json = "not json";
    g_autoptr(PdPacket) packet = pd_packet_seal (PACKET_ID, DEVICE_ID, 1790000000, "dossier",
                                                 not_json, strlen (not_json), keys.box_pk, keys.sign_sk);
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonObject) opened = pd_packet_open (packet, keys.box_pk, keys.box_sk, &error);

    g_assert_error (error, PD_PACKET_ERROR, PD_PACKET_ERROR_INVALID);
    g_assert_null (opened);
  }
}

static char *
make_text (const char *packet_id,
           const char *device_member,
           const char *device_id,
           const char *created_at,
           const char *kind,
           const char *sealed,
           const char *signature,
           const char *extra)
{
  return g_strdup_printf ("{\"packet_id\":\"%s\",\"%s\":\"%s\",\"created_at\":%s,\"kind\":%s,"
                          "\"sealed\":\"%s\",\"signature\":\"%s\"%s}",
                          packet_id, device_member, device_id, created_at, kind, sealed,
                          signature, extra);
}

static void
test_strict_shape (void)
{
  Keys keys;
  g_autoptr(PdPacket) packet = NULL;
  g_autofree char *sealed = NULL;
  g_autofree char *signature = NULL;
  g_autofree char *short_sig = pd_base64url_encode ((const guint8 *) "0123456789", 10);
  /* Variations of the good shape (the first row). */
  static const struct {
    const char *device_member;
    const char *created_at;
    const char *kind;
    const char *extra;
  } templates[] = {
    { "device_id", "1790000000", "\"dossier\"", "" },
    { "device_id", "1790000000", "\"dossier\"", ",\"x\":1" },     /* extra member */
    { "device_id", "\"1790000000\"", "\"dossier\"", "" },         /* created_at as a string */
    { "device_id", "1790000000.5", "\"dossier\"", "" },           /* a float */
    { "device_id", "-1", "\"dossier\"", "" },                     /* negative */
    { "device_id", "1790000000", "\"photo\"", "" },               /* unknown kind */
    { "device_id", "1790000000", "7", "" },                        /* kind not a string */
    { "device", "1790000000", "\"dossier\"", "" },                /* member renamed */
  };
  static const char *ids[][2] = {
    { PACKET_ID, DEVICE_ID },
    { "5B0B8A55-7A37-4F5E-9A58-0D5B1D7F6C01", DEVICE_ID },  /* upper case */
    { "not-a-uuid", DEVICE_ID },
    { PACKET_ID, "" },
  };

  make_keys (&keys);
  packet = make_packet (&keys);
  sealed = pd_base64url_encode (g_bytes_get_data (packet->sealed, NULL), g_bytes_get_size (packet->sealed));
  signature = pd_base64url_encode (g_bytes_get_data (packet->signature, NULL), g_bytes_get_size (packet->signature));

  for (guint t = 0; t < G_N_ELEMENTS (templates); t++)
    for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
      {
        g_autofree char *text = make_text (ids[i][0], templates[t].device_member, ids[i][1],
                                           templates[t].created_at, templates[t].kind,
                                           sealed, signature, templates[t].extra);
        g_autoptr(GError) error = NULL;
        g_autoptr(PdPacket) parsed = pd_packet_from_string (text, &error);

        if (t == 0 && i == 0)
          {
            g_assert_no_error (error);
            g_assert_true (pd_packet_verify (parsed, keys.sign_pk, NULL));
          }
        else
          {
            g_assert_error (error, PD_PACKET_ERROR, PD_PACKET_ERROR_INVALID);
            g_assert_null (parsed);
          }
      }

  /* Bad encodings of the binary members. */
  {
    const char *bad[][2] = {
      { "AA==", NULL },                  /* padded sealed */
      { "short", NULL },                 /* too short for a seal */
      { NULL, "AA==" },
      { NULL, short_sig },               /* not 64 bytes */
    };

    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_autofree char *text = make_text (PACKET_ID, "device_id", DEVICE_ID, "1790000000",
                                           "\"dossier\"", bad[i][0] ? bad[i][0] : sealed,
                                           bad[i][1] ? bad[i][1] : signature, "");
        g_autoptr(GError) error = NULL;
        g_autoptr(PdPacket) parsed = pd_packet_from_string (text, &error);

        g_assert_error (error, PD_PACKET_ERROR, PD_PACKET_ERROR_INVALID);
        g_assert_null (parsed);
      }
  }

  {
    const char *not_objects[] = { "[]", "\"x\"", "null", "{", "" };

    for (guint i = 0; i < G_N_ELEMENTS (not_objects); i++)
      {
        g_autoptr(GError) error = NULL;
        g_autoptr(PdPacket) parsed = pd_packet_from_string (not_objects[i], &error);

        g_assert_error (error, PD_PACKET_ERROR, PD_PACKET_ERROR_INVALID);
        g_assert_null (parsed);
      }
  }
}

static void
test_request_signature (void)
{
  Keys keys, other;
  const char *body = "{\"packets\":[]}";
  g_autofree char *signing = NULL;
  g_autofree char *signature = NULL;
  g_autofree char *hash = pd_packet_hash_hex (body, strlen (body));
  g_autofree char *expected = g_strdup_printf ("PASSDESK-V1\nPOST\n/v1/packets\n1790000000\n%s", hash);
  g_autofree char *empty_hash = pd_packet_hash_hex (NULL, 0);
  g_autofree char *get_signing = pd_request_get_signing_string ("GET", "/v1/statuses?after=&limit=500",
                                                                1790000000, NULL, 0);
  g_autofree char *get_expected = g_strdup_printf ("PASSDESK-V1\nGET\n/v1/statuses?after=&limit=500\n1790000000\n%s",
                                                   empty_hash);
  static const struct {
    const char *method;
    const char *path;
    gint64 time;
    const char *body;
    gboolean other_key;
    int code;   /* -1: verifies */
  } cases[] = {
    { "POST", "/v1/packets", 1790000000, "{\"packets\":[]}", FALSE, -1 },
    { "GET", "/v1/packets", 1790000000, "{\"packets\":[]}", FALSE, PD_PACKET_ERROR_SIGNATURE },
    { "POST", "/v1/packets?x=1", 1790000000, "{\"packets\":[]}", FALSE, PD_PACKET_ERROR_SIGNATURE },
    { "POST", "/v1/packets", 1790000001, "{\"packets\":[]}", FALSE, PD_PACKET_ERROR_SIGNATURE },
    { "POST", "/v1/packets", 1790000000, "{\"packets\":[ ]}", FALSE, PD_PACKET_ERROR_SIGNATURE },
    { "POST", "/v1/packets", 1790000000, "{\"packets\":[]}", TRUE, PD_PACKET_ERROR_SIGNATURE },
  };

  make_keys (&keys);
  make_keys (&other);
  signing = pd_request_get_signing_string ("POST", "/v1/packets", 1790000000, body, strlen (body));
  g_assert_cmpstr (signing, ==, expected);
  g_assert_cmpstr (get_signing, ==, get_expected);

  signature = pd_request_sign ("POST", "/v1/packets", 1790000000, body, strlen (body), keys.sign_sk);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      gboolean ok = pd_request_verify (cases[i].method, cases[i].path, cases[i].time,
                                       cases[i].body, strlen (cases[i].body), signature,
                                       cases[i].other_key ? other.sign_pk : keys.sign_pk, &error);

      if (cases[i].code < 0)
        {
          g_assert_no_error (error);
          g_assert_true (ok);
        }
      else
        {
          g_assert_error (error, PD_PACKET_ERROR, cases[i].code);
          g_assert_false (ok);
        }
    }

  {
    const char *bad_signatures[] = { NULL, "", "AA", "not base64!" };

    for (guint i = 0; i < G_N_ELEMENTS (bad_signatures); i++)
      {
        g_autoptr(GError) error = NULL;

        g_assert_false (pd_request_verify ("POST", "/v1/packets", 1790000000, body, strlen (body),
                                           bad_signatures[i], keys.sign_pk, &error));
        g_assert_error (error, PD_PACKET_ERROR, PD_PACKET_ERROR_INVALID);
      }
  }
}

/* The demo's own server is plain http on loopback; anything else plain is refused. */
static void
test_url_is_safe (void)
{
  g_assert_true (pd_sync_url_is_safe ("https://central.example.vn"));
  g_assert_true (pd_sync_url_is_safe ("http://127.0.0.1:8080"));
  g_assert_true (pd_sync_url_is_safe ("http://127.8.9.1/"));
  g_assert_true (pd_sync_url_is_safe ("http://localhost:8443/api"));
  g_assert_true (pd_sync_url_is_safe ("http://LOCALHOST"));
  g_assert_true (pd_sync_url_is_safe ("http://[::1]:8080"));
  g_assert_false (pd_sync_url_is_safe ("http://central.example.vn"));
  g_assert_false (pd_sync_url_is_safe ("http://10.0.0.5:8080"));
  g_assert_false (pd_sync_url_is_safe ("http://localhost.example.vn"));
  g_assert_false (pd_sync_url_is_safe ("http://127.0.0.1.example.vn"));
  g_assert_false (pd_sync_url_is_safe ("ftp://127.0.0.1"));
  g_assert_false (pd_sync_url_is_safe ("https://"));
  g_assert_false (pd_sync_url_is_safe ("central.example.vn"));
}

int
main (int   argc,
      char *argv[])
{
  pd_test_init (&argc, &argv);

  g_test_add_func ("/packet/base64url", test_base64url);
  g_test_add_func ("/sync/url-is-safe", test_url_is_safe);
  g_test_add_func ("/packet/hash", test_hash);
  g_test_add_func ("/packet/round-trip", test_round_trip);
  g_test_add_func ("/packet/wrong-keys", test_wrong_keys);
  g_test_add_func ("/packet/tampered", test_tampered);
  g_test_add_func ("/packet/inner-ids", test_inner_ids);
  g_test_add_func ("/packet/strict-shape", test_strict_shape);
  g_test_add_func ("/packet/request-signature", test_request_signature);

  return g_test_run ();
}
