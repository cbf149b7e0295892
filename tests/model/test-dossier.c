/* test-dossier.c: the dossier model, its canonical values and its JSON form. */
#include "config.h"

#include <string.h>

#include "pd-dossier.h"
#include "pd-station-key.h"
#include "pd-text.h"
#include "pd-test-support.h"

static void
test_canonical_values (void)
{
  g_autoptr(PdDossier) dossier = pd_dossier_new ();
  /* "Nguyễn" typed with combining marks (NFD) is stored composed (NFC). */
  g_autofree char *nfd = g_utf8_normalize ("  Nguyễn   Văn\tAn ", -1, G_NORMALIZE_NFD);

  pd_dossier_set_field (dossier, PD_FIELD_FULL_NAME, nfd);
  g_assert_cmpstr (pd_dossier_get_field (dossier, PD_FIELD_FULL_NAME), ==, "Nguyễn Văn An");

  pd_dossier_set_field (dossier, PD_FIELD_RELIGION, "   ");
  g_assert_null (pd_dossier_get_field (dossier, PD_FIELD_RELIGION));

  pd_dossier_set_field (dossier, PD_FIELD_OCCUPATION, "bad \xff utf8");
  g_assert_true (g_utf8_validate (pd_dossier_get_field (dossier, PD_FIELD_OCCUPATION), -1, NULL));
}

static void
count_notify (guint *count)
{
  (*count)++;
}

static void
test_properties_notify (void)
{
  g_autoptr(PdDossier) dossier = pd_dossier_new ();
  g_autofree char *value = NULL;
  guint notified = 0;

  g_signal_connect_swapped (dossier, "notify::full-name", G_CALLBACK (count_notify), &notified);
  g_object_set (dossier, "full-name", "Trần Thị Bích", NULL);
  g_object_set (dossier, "full-name", "Trần   Thị Bích", NULL);  /* same canonical value */
  g_assert_cmpuint (notified, ==, 1);
  g_object_get (dossier, "full-name", &value, NULL);
  g_assert_cmpstr (value, ==, "Trần Thị Bích");
  g_assert_cmpstr (pd_dossier_get_field (dossier, PD_FIELD_FULL_NAME), ==, "Trần Thị Bích");
}

static void
test_json_round_trip (void)
{
  g_autoptr(PdDossier) dossier = pd_test_make_dossier ("Đỗ Ánh Bảo", "001090123456");
  g_autoptr(PdDossier) back = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) without_personal = NULL;
  g_autoptr(GError) error = NULL;

  pd_dossier_set_uuid (dossier, "5b0c2b4e-5f3a-4bd1-9d1e-3f1a2b3c4d5e");
  pd_dossier_set_status (dossier, PD_STATUS_ACCEPTED);
  node = pd_dossier_to_json (dossier, TRUE);
  back = pd_dossier_new_from_json (node, &error);
  g_assert_no_error (error);

  for (int i = 0; i < PD_N_FIELDS; i++)
    g_assert_cmpstr (pd_dossier_get_field (back, i), ==, pd_dossier_get_field (dossier, i));
  g_assert_cmpstr (pd_dossier_get_uuid (back), ==, pd_dossier_get_uuid (dossier));
  g_assert_cmpint (pd_dossier_get_status (back), ==, PD_STATUS_ACCEPTED);

  without_personal = pd_dossier_to_json (dossier, FALSE);
  g_assert_false (json_object_has_member (json_node_get_object (without_personal), "full_name"));
  g_assert_false (json_object_has_member (json_node_get_object (without_personal), "id_number"));
  g_assert_true (json_object_has_member (json_node_get_object (without_personal), "sex"));
}

static void
test_json_rejects (void)
{
  const char *bad[] = {
    "[]",
    "\"text\"",
    "{\"full_name\": 12}",
    "{\"no_such_field\": \"x\"}",
    "{\"status\": \"flying\"}",
    "{\"id\": -4}",
    "{\"full_name\": {\"nested\": true}}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(JsonNode) node = json_from_string (bad[i], NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(PdDossier) dossier = pd_dossier_new_from_json (node, &error);

      g_assert_null (dossier);
      g_assert_error (error, PD_DOSSIER_ERROR, PD_DOSSIER_ERROR_FORMAT);
    }
}

static void
test_age (void)
{
  g_autoptr(PdDossier) dossier = pd_dossier_new ();
  GDate today;

  g_date_clear (&today, 1);
  g_date_set_dmy (&today, 23, 11, 2026);
  g_assert_cmpint (pd_dossier_get_age (dossier, &today), ==, -1);

  pd_dossier_set_field (dossier, PD_FIELD_BIRTH_DATE, "2012-11-24");
  g_assert_cmpint (pd_dossier_get_age (dossier, &today), ==, 13);
  g_assert_true (pd_dossier_is_minor_form (dossier, &today));

  pd_dossier_set_field (dossier, PD_FIELD_BIRTH_DATE, "2012-11-23");
  g_assert_cmpint (pd_dossier_get_age (dossier, &today), ==, 14);
  g_assert_false (pd_dossier_is_minor_form (dossier, &today));

  pd_dossier_set_field (dossier, PD_FIELD_BIRTH_DATE, "2012-02-30");
  g_assert_cmpint (pd_dossier_get_age (dossier, &today), ==, -1);
}

static void
test_fold (void)
{
  g_autofree char *a = pd_text_fold ("ĐỖ Ánh Bảo");
  g_autofree char *b = pd_text_fold ("  nguyễn-văn   AN ");
  g_auto(GStrv) words = pd_text_words ("Nguyễn Thị Đào");

  g_assert_cmpstr (a, ==, "do anh bao");
  g_assert_cmpstr (b, ==, "nguyen van an");
  g_assert_cmpuint (g_strv_length (words), ==, 3);
  g_assert_cmpstr (words[2], ==, "dao");
  g_assert_true (pd_text_equal_folded ("Lê Thị Hồng", "LE THI HONG"));
  g_assert_false (pd_text_equal_folded ("Lê Thị Hồng", "Lê Thị Hương"));
}

/* What a drop-down's search compares: Đ is a letter of its own, not D with a mark, and must be
 * folded by hand; the rest loses its marks. */
static void
test_fold_search (void)
{
  g_autofree char *hanoi = pd_text_fold ("Hà Nội");
  g_autofree char *daklak = pd_text_fold ("Đắk Lắk");
  g_autofree char *hoankiem = pd_text_fold ("Phường Hoàn Kiếm");
  /* Decomposed input, as some keyboards send it. */
  g_autofree char *nfd = g_utf8_normalize ("Đắk Lắk", -1, G_NORMALIZE_NFD);
  g_autofree char *daklak_nfd = pd_text_fold (nfd);

  g_assert_cmpstr (hanoi, ==, "ha noi");
  g_assert_cmpstr (daklak, ==, "dak lak");
  g_assert_cmpstr (daklak_nfd, ==, "dak lak");

  g_assert_true (pd_text_search_matches (hanoi, "ha"));
  g_assert_true (pd_text_search_matches (hanoi, "HÀ N"));
  g_assert_true (pd_text_search_matches (hanoi, "noi"));
  g_assert_true (pd_text_search_matches (hanoi, ""));
  g_assert_true (pd_text_search_matches (hanoi, "  "));
  g_assert_false (pd_text_search_matches (hanoi, "hai"));
  g_assert_false (pd_text_search_matches (hanoi, "oi"));
  g_assert_true (pd_text_search_matches (daklak, "dak"));
  g_assert_true (pd_text_search_matches (daklak, "đắk"));
  g_assert_true (pd_text_search_matches (daklak, "DAK L"));
  g_assert_true (pd_text_search_matches (daklak, "lak dak"));
  g_assert_false (pd_text_search_matches (daklak, "dak nong"));
  g_assert_true (pd_text_search_matches (hoankiem, "hoan kiem"));
  g_assert_true (pd_text_search_matches (hoankiem, "kiếm"));
  g_assert_false (pd_text_search_matches (hoankiem, "hoang"));
  g_assert_false (pd_text_search_matches (NULL, "ha"));
}

/* A station key on paper or on screen never breaks at its hyphens, and reads back as typed
 * from it. */
static void
test_station_key_display (void)
{
  guint8 public_bytes[32];
  char id[] = "ST-1A2B-3C";
  PdStationKey key = { id, NULL, NULL };
  g_autofree char *text = NULL;
  g_autofree char *shown = NULL;
  g_autofree char *shown_id = pd_station_key_for_display (key.key_id);
  g_autofree char *key_id = NULL;
  g_autoptr(GBytes) public_key = NULL;
  g_autoptr(GError) error = NULL;

  /* Bytes whose base64url has hyphens. */
  memset (public_bytes, 0xfb, sizeof public_bytes);
  key.public_key = g_bytes_new_static (public_bytes, sizeof public_bytes);
  text = pd_station_key_to_text (&key);
  g_assert_nonnull (strchr (text + strlen (PD_STATION_KEY_PREFIX) + strlen (key.key_id), '-'));

  g_assert_cmpstr (shown_id, ==, "ST\u20111A2B\u20113C");
  shown = pd_station_key_for_display (text);
  g_assert_null (strchr (shown, '-'));
  g_assert_true (g_utf8_validate (shown, -1, NULL));
  g_assert_true (pd_station_key_parse (shown, &key_id, &public_key, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (key_id, ==, "ST-1A2B-3C");
  g_assert_cmpmem (g_bytes_get_data (public_key, NULL), g_bytes_get_size (public_key), public_bytes, sizeof public_bytes);
  g_bytes_unref (key.public_key);
}

int
main (int argc, char *argv[])
{
  pd_test_init (&argc, &argv);

  g_test_add_func ("/dossier/canonical-values", test_canonical_values);
  g_test_add_func ("/dossier/properties", test_properties_notify);
  g_test_add_func ("/dossier/json-round-trip", test_json_round_trip);
  g_test_add_func ("/dossier/json-rejects", test_json_rejects);
  g_test_add_func ("/dossier/age", test_age);
  g_test_add_func ("/text/fold", test_fold);
  g_test_add_func ("/text/fold-search", test_fold_search);
  g_test_add_func ("/text/station-key-display", test_station_key_display);

  return g_test_run ();
}
