"""The reference device client (docs/devices.md, "The reference client"): its key file, its
queue and counters, its input checks. Its syncing is tested against the live server in
test_device_sync_http.py."""

import stat

import pytest
from django.core.management import call_command

from jineng.training import device_client, signing

ID_NUMBER = "41140220090101000X"


@pytest.fixture
def device(tmp_path):
    public = device_client.Device.keygen(tmp_path / "dev")
    client = device_client.Device(tmp_path / "dev")
    client.set(device=7)
    client.public = public
    return client


def test_the_private_key_is_made_once_readable_by_its_owner_only(device, tmp_path):
    key_file = tmp_path / "dev" / device_client.KEY_FILE
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert signing.public_text(device.key()) == device.public
    with pytest.raises(device_client.ClientError, match="this device has its key"):
        device_client.Device.keygen(tmp_path / "dev")
    key_file.chmod(0o644)
    with pytest.raises(device_client.ClientError, match="readable by others"):
        device.key()


def test_each_event_is_signed_with_the_next_counter_and_verifies(device):
    for n in (1, 2, 3):
        assert device.record(session=5, person=ID_NUMBER, direction="in") == (n, f"7.{n}")
    payload, signature = device.db.execute(
        "SELECT payload, signature FROM events WHERE counter = 2").fetchone()  # fmt: skip
    event, _data = signing.verified_event(signing.public_key(device.public), payload, signature)
    assert (event.device, event.counter, event.person, event.session) == (7, 2, ID_NUMBER, 5)
    with pytest.raises(device_client.ClientError, match="person: an ID number"):
        device.record(session=5, person="王五", direction="in")
    assert device.counts() == {"pending": 3} and device.get("counter") == "3"


def test_a_file_with_a_bad_line_queues_nothing_and_names_the_line(device, tmp_path):
    good = tmp_path / "good.csv"
    good.write_text("session,person,direction,time,match,distance\n"
                    f"5,{ID_NUMBER},in,2026-03-02T09:00:00+08:00,passed,0.4\n"
                    "5,E12,out,,,\n")  # fmt: skip
    bad = tmp_path / "bad.csv"
    bad.write_text(f"session,person,direction,time\n5,{ID_NUMBER},in,\n5,{ID_NUMBER},sideways,\n"
                   f"5,{ID_NUMBER},out,2026-03-02T12:00:00\n")  # fmt: skip
    with pytest.raises(device_client.ClientError, match="nothing queued; line 3: .*line 4: give"):
        device_client._import(device, str(bad), say=print)
    assert device.counts() == {}
    assert device_client._import(device, str(good), say=print) == 2
    assert device.counts() == {"pending": 2}


def test_jineng_device_is_the_same_client(tmp_path, capsys):
    call_command("device", "keygen", "--dir", str(tmp_path / "d"))
    call_command("device", "configure", "--dir", str(tmp_path / "d"), "--device", "3",
                 "--url", "http://127.0.0.1:9/")  # fmt: skip
    call_command("device", "record", "--dir", str(tmp_path / "d"), "--session", "4",
                 "--person", ID_NUMBER, "--direction", "out")  # fmt: skip
    call_command("device", "status", "--dir", str(tmp_path / "d"))
    out = capsys.readouterr().out
    assert "public key: " in out and "queued 3.1 (counter 1)" in out and "pending: 1" in out
