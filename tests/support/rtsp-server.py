#!/usr/bin/python3
"""A real RTSP camera for tests and benchmarks (GStreamer's RTSP server via gi).

Run with Debian's interpreter (the `python3` on PATH may lack `gi`):

  /usr/bin/python3 tests/support/rtsp-server.py --port 8554 --cameras 4 \
      [--width 640 --height 360 --fps 25] [--clock-mount] [--user U --password P] [--address 127.0.0.1]

Mounts:
  /cam1 ... /camN       WxH@FPS H.264 baseline, a different test pattern per camera, clock overlay
  /cam1/sub ... /camN/sub   the same camera at 320x180@15
  /hevc                 (with --hevc-mount) 640x360@FPS H.265 (x265enc): a camera the browser cannot decode
  /clock                (with --clock-mount) 640x360@FPS, every frame carries its wall-clock time in ms
                        as 48 black/white blocks (see CLOCK_* below and decodeClockBlocks in rtsp-camera.ts)
  /Streaming/tracks/101, /Streaming/tracks/102, /cam/playback
                        (with --nvr) an NVR's playback by time (Hikvision, Dahua): camera 1's picture whatever
                        time is asked, and a line `REQUEST <path>?<query>` on stdout for each DESCRIBE, so a
                        test sees the times the client asked for

Prints exactly one line `READY rtsp://ADDRESS:PORT` on stdout once listening (port 0 = any free port, the
line then tells which). Exits with status 0 on SIGTERM/SIGINT.

Every factory is shared: one pipeline per mount, whatever the number of clients, built on the first
client and torn down when the last one leaves (so an unwatched mount costs nothing).
"""

import argparse
import os
import signal
import sys
import time

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402

# The clock picture. 48 bits (Date.now() needs 41) of 16 px blocks would be 768 px, wider than the 640 px
# frame, so the blocks are 12 px wide (aligned to H.264's 4x4 transform) and 16 px tall (one macroblock row):
# bit i (most significant first) is block i, x = 12*i .. 12*i+11; row 0 is y 0..15, row 1 (an identical copy)
# is y 16..31. White = 1, black = 0; the rest of the picture is mid-grey.
CLOCK_W, CLOCK_H = 640, 360
CLOCK_BITS = 48
CLOCK_BLOCK_W = 12
CLOCK_BLOCK_H = 16
CLOCK_ROWS = 2
GREY = 128

PATTERNS = ["smpte", "ball", "pinwheel", "spokes", "gamut", "checkers-8", "colors", "smpte75", "bar", "circular"]


GOP = {"frames": None}  # --gop: frames between keyframes (default: one a second)


def x264(fps):
    return (
        f"x264enc tune=zerolatency speed-preset=ultrafast key-int-max={GOP['frames'] or fps} "
        "! video/x-h264,profile=baseline ! rtph264pay name=pay0 pt=96 config-interval=1"
    )


def hevc_launch(fps):
    return (
        "( videotestsrc is-live=true pattern=ball ! video/x-raw,width=640,height=360,framerate="
        f"{fps}/1 ! videoconvert ! x265enc tune=zerolatency speed-preset=ultrafast key-int-max={fps} "
        "! video/x-h265,profile=main ! rtph265pay name=pay0 pt=96 config-interval=1 )"
    )


def camera_launch(index, width, height, fps):
    pattern = PATTERNS[(index - 1) % len(PATTERNS)]
    return (
        f"( videotestsrc is-live=true pattern={pattern} "
        f"! video/x-raw,width={width},height={height},framerate={fps}/1 "
        f'! clockoverlay text="cam{index}" shaded-background=true '
        f"! videoconvert ! {x264(fps)} )"
    )


def clock_launch(fps):
    return (
        "( appsrc name=src is-live=true format=time do-timestamp=true "
        f"caps=video/x-raw,format=GRAY8,width={CLOCK_W},height={CLOCK_H},framerate={fps}/1 "
        "! videoconvert "
        '! clockoverlay text="clock" valignment=bottom halignment=right shaded-background=true '
        f"! {x264(fps)} )"
    )


class ClockSource:
    """Feeds one /clock media's appsrc: one GRAY8 frame per need-data, paced to the frame rate."""

    _grey = bytes([GREY]) * (CLOCK_W * CLOCK_H)
    _white = b"\xff" * CLOCK_BLOCK_W
    _black = b"\x00" * CLOCK_BLOCK_W

    def __init__(self, appsrc, fps):
        self.appsrc = appsrc
        self.period = 1.0 / fps
        self.duration = Gst.SECOND // fps
        self.next_at = None
        appsrc.connect("need-data", self.on_need_data)

    def frame(self, ms):
        picture = bytearray(self._grey)
        row = b"".join(
            self._white if (ms >> (CLOCK_BITS - 1 - i)) & 1 else self._black for i in range(CLOCK_BITS)
        )
        n = len(row)
        for y in range(CLOCK_BLOCK_H * CLOCK_ROWS):
            picture[y * CLOCK_W : y * CLOCK_W + n] = row
        return picture

    def on_need_data(self, appsrc, _length):
        # Runs on appsrc's streaming thread; sleeping here paces the source (at most one frame period).
        now = time.monotonic()
        if self.next_at is None or now - self.next_at > self.period:
            self.next_at = now  # first frame, or we fell behind: do not burst to catch up
        elif now < self.next_at:
            time.sleep(self.next_at - now)
        self.next_at += self.period
        ms = int(time.time() * 1000)  # taken at the moment the frame is produced
        buf = Gst.Buffer.new_wrapped(bytes(self.frame(ms)))
        buf.duration = self.duration
        appsrc.emit("push-buffer", buf)


def main():
    parser = argparse.ArgumentParser(description="A real RTSP camera for tests (GStreamer RTSP server).")
    parser.add_argument("--port", type=int, default=8554, help="0 = any free port")
    parser.add_argument("--address", default="127.0.0.1")
    parser.add_argument("--cameras", type=int, default=4)
    parser.add_argument("--width", type=int, default=640)
    parser.add_argument("--height", type=int, default=360)
    parser.add_argument("--fps", type=int, default=25)
    parser.add_argument("--clock-mount", action="store_true")
    parser.add_argument("--gop", type=int, help="frames between keyframes (default: the frame rate)")
    parser.add_argument("--hevc-mount", action="store_true", help="also serve /hevc (H.265)")
    parser.add_argument("--no-sub", action="store_true", help="do not serve /camN/sub")
    parser.add_argument("--nvr", action="store_true", help="serve NVR playback paths, print each request")
    parser.add_argument("--user")
    parser.add_argument("--password")
    args = parser.parse_args()
    if (args.user is None) != (args.password is None):
        parser.error("--user and --password go together")

    GOP["frames"] = args.gop
    Gst.init(None)
    loop = GLib.MainLoop()
    server = GstRtspServer.RTSPServer()
    server.set_address(args.address)
    server.set_service(str(args.port))

    permissions = None
    if args.user is not None:
        auth = GstRtspServer.RTSPAuth()
        token = GstRtspServer.RTSPToken()
        token.set_string("media.factory.role", "viewer")
        auth.add_basic(GstRtspServer.RTSPAuth.make_basic(args.user, args.password), token)
        server.set_auth(auth)
        permissions = GstRtspServer.RTSPPermissions()
        permissions.add_permission_for_role("viewer", "media.factory.access", True)
        permissions.add_permission_for_role("viewer", "media.factory.construct", True)

    mounts = server.get_mount_points()

    def mount(path, launch, on_configure=None, shared=True):
        factory = GstRtspServer.RTSPMediaFactory()
        factory.set_launch(launch)
        factory.set_shared(shared)
        if permissions is not None:
            factory.set_permissions(permissions)
        if on_configure is not None:
            factory.connect("media-configure", on_configure)
        mounts.add_factory(path, factory)

    for i in range(1, args.cameras + 1):
        mount(f"/cam{i}", camera_launch(i, args.width, args.height, args.fps))
        if not args.no_sub:
            mount(f"/cam{i}/sub", camera_launch(i, 320, 180, 15))

    if args.hevc_mount:
        mount("/hevc", hevc_launch(args.fps))

    if args.clock_mount:
        sources = {}  # keeps each media's ClockSource alive while the media is

        def configure_clock(_factory, media):
            appsrc = media.get_element().get_by_name("src")
            sources[id(media)] = ClockSource(appsrc, args.fps)
            media.connect("unprepared", lambda m: sources.pop(id(m), None))

        mount("/clock", clock_launch(args.fps), configure_clock)

    if args.nvr:
        # A playback is its viewer's own (it starts at the time that viewer asked for): not shared.
        for path in ("/Streaming/tracks/101", "/Streaming/tracks/102", "/cam/playback"):
            mount(path, camera_launch(1, args.width, args.height, args.fps), shared=False)

        def on_client(_server, client):
            def on_describe(_client, ctx):
                uri = ctx.uri
                query = f"?{uri.query}" if uri.query else ""
                print(f"REQUEST {uri.abspath}{query}", flush=True)

            client.connect("describe-request", on_describe)

        server.connect("client-connected", on_client)

    if server.attach(None) == 0:
        print(f"could not listen on {args.address}:{args.port}", file=sys.stderr, flush=True)
        sys.exit(1)

    # Drop timed-out sessions promptly (a client that vanished without TEARDOWN).
    def cleanup():
        server.get_session_pool().cleanup()
        return True

    GLib.timeout_add_seconds(2, cleanup)

    def on_signal():
        loop.quit()
        return False

    GLib.unix_signal_add(GLib.PRIORITY_HIGH, signal.SIGTERM, on_signal)
    GLib.unix_signal_add(GLib.PRIORITY_HIGH, signal.SIGINT, on_signal)

    print(f"READY rtsp://{args.address}:{server.get_bound_port()}", flush=True)
    loop.run()

    # Close the clients' connections, then leave without waiting on pipeline teardown (a live pipeline's
    # finalisation can block; the kernel closes whatever is left).
    server.client_filter(lambda _server, _client: GstRtspServer.RTSPFilterResult.REMOVE)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
