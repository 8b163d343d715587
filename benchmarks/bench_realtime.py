"""Real-time recognition overhead: the raw engine against voxtune's two real-time ways in, on
the same clips, interleaved, medians of --runs.

    python benchmarks/bench_realtime.py --runs 3

raw        open_recognizer("base").recognize(audio) in this process (model already loaded)
rest       POST /speech/recognition/conversation/cognitiveservices/v1 (the whole WAV)
websocket  the Speech SDK protocol over a raw WebSocket client: connect, speech.context, all
           audio at once, the empty audio frame; timed until turn.end (includes starting the
           connection's decoder process, ~1 s)

Each figure is wall time per clip; the ratio is against raw on the same clip in the same run.
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import struct
import tempfile
import threading
import time
from pathlib import Path

import httpx
import uvicorn
from websockets.sync.client import connect

from voxtune.api.app import create_app
from voxtune.audio import load_audio
from voxtune.engine import open_recognizer
from voxtune.service.security import create_api_key
from voxtune.settings import Settings

SMOKE = Path(__file__).resolve().parents[2] / "shared" / "data" / "smoke"
PATH = "/speech/recognition/conversation/cognitiveservices/v1"
REQUEST_ID = "00112233445566778899aabbccddeeff"


def _binary(payload: bytes) -> bytes:
    head = f"Path:audio\r\nX-RequestId:{REQUEST_ID}\r\n".encode("ascii")
    return struct.pack(">H", len(head)) + head + payload


def _websocket(url: str, key: str, wav: bytes) -> float:
    started = time.perf_counter()
    with connect(f"{url}{PATH}?language=en-US",
                 additional_headers={"Ocp-Apim-Subscription-Key": key}) as ws:
        ws.send(f"Path:speech.context\r\nX-RequestId:{REQUEST_ID}\r\n\r\n{{}}")
        ws.send(_binary(wav))
        ws.send(_binary(b""))
        while "Path:turn.end" not in str(ws.recv(timeout=120)):
            pass
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    clips = sorted(SMOKE.glob("*.wav"))
    home = Path(tempfile.mkdtemp(prefix="bench-realtime-"))
    app = create_app(Settings(home=home), workers=0)
    key = create_api_key(app.state.services.database, "bench")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    recognizer = open_recognizer("base")
    times: dict[str, list[float]] = {"raw": [], "rest": [], "websocket": []}
    ratios: dict[str, list[float]] = {"rest": [], "websocket": []}
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120,
                      headers={"Ocp-Apim-Subscription-Key": key}) as client:
        for _ in range(args.runs):
            for clip in clips:
                wav = clip.read_bytes()
                started = time.perf_counter()
                recognizer.recognize(load_audio(wav, target_rate_hz=16000))
                raw = time.perf_counter() - started
                started = time.perf_counter()
                client.post(PATH, params={"language": "en-US"}, content=wav,
                            headers={"Content-Type": "audio/wav"}).raise_for_status()
                rest = time.perf_counter() - started
                websocket = _websocket(f"ws://127.0.0.1:{port}", key, wav)
                for name, value in (("raw", raw), ("rest", rest), ("websocket", websocket)):
                    times[name].append(value)
                ratios["rest"].append(rest / raw)
                ratios["websocket"].append(websocket / raw)
    server.should_exit = True
    audio_s = sum(load_audio(c.read_bytes()).duration_s for c in clips)
    print(json.dumps({
        "clips": len(clips), "audio_s": round(audio_s, 1), "runs": args.runs,
        "median_s": {k: round(statistics.median(v), 3) for k, v in times.items()},
        "median_ratio_vs_raw": {k: round(statistics.median(v), 2) for k, v in ratios.items()},
    }))


if __name__ == "__main__":
    main()
