"""Real-time recognition overhead: the raw engine against voxtune's two real-time ways in, on
the same clips, interleaved, medians of --runs; with --paced, the latency of streamed audio.

    python benchmarks/bench_realtime.py --runs 3
    python benchmarks/bench_realtime.py --runs 3 --model whisper-base --paced

raw        open_recognizer(MODEL).recognize(audio) in this process (model already loaded):
           --model's base model, else the one `language=en-US` gets (en-US's default base
           model; the figures in BENCHMARKS.md before --model were measured with the sphinx
           model)
rest       POST /speech/recognition/conversation/cognitiveservices/v1 (the whole WAV)
websocket  the Speech SDK protocol over a raw WebSocket client: connect, speech.context, all
           audio at once, the empty audio frame; timed until turn.end (includes starting the
           connection's decoder process, ~1 s)
paced      (--paced) the same protocol with the audio streamed at real time in 100 ms frames,
           then the empty audio frame at the clip's end, the way a live microphone sends it.
           Two turns per connection, one after the other: `cold` (the connection's decoder
           process starts and loads the model while the audio arrives) and `warm` (the same
           clip again, the decoder loaded). Per turn: first partial = first speech.hypothesis
           after the first audio frame; final after end = the last recognized speech.phrase
           after the end of the clip's audio (its last sample's real time; the smoke clips end
           on speech, so this is the latency after the end of speech); turn.end after end.

--model NAME (a base model: whisper-base, whisper-tiny.en, sphinx-en-us, ...) creates an
endpoint serving it through the API, and rest, websocket and paced name it with `cid=`, as
the Speech SDK does with an endpoint id; without it they ask for `language=en-US`.

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
import uuid
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import uvicorn
from websockets.sync.client import ClientConnection, connect

from voxtune.api.app import create_app
from voxtune.audio import load_audio
from voxtune.engine import open_recognizer
from voxtune.service.security import create_api_key
from voxtune.settings import Settings

SMOKE = Path(__file__).resolve().parents[2] / "shared" / "data" / "smoke"
PATH = "/speech/recognition/conversation/cognitiveservices/v1"
REQUEST_ID = "00112233445566778899aabbccddeeff"
API_VERSION = {"api-version": "2025-10-15"}
FRAME_S = 0.1  # --paced: audio per WebSocket frame, sent at real time


def _binary(payload: bytes, request_id: str = REQUEST_ID) -> bytes:
    head = f"Path:audio\r\nX-RequestId:{request_id}\r\n".encode("ascii")
    return struct.pack(">H", len(head)) + head + payload


def _websocket(url: str, key: str, query: str, wav: bytes) -> float:
    started = time.perf_counter()
    with connect(f"{url}{PATH}?{query}",
                 additional_headers={"Ocp-Apim-Subscription-Key": key}) as ws:
        ws.send(f"Path:speech.context\r\nX-RequestId:{REQUEST_ID}\r\n\r\n{{}}")
        ws.send(_binary(wav))
        ws.send(_binary(b""))
        while "Path:turn.end" not in str(ws.recv(timeout=120)):
            pass
    return time.perf_counter() - started


def _paced(url: str, key: str, query: str, pcm: bytes) -> list[dict[str, float | None]]:
    """A cold then a warm turn of `pcm` (16 kHz mono 16-bit) streamed at real time."""
    with connect(f"{url}{PATH}?{query}",
                 additional_headers={"Ocp-Apim-Subscription-Key": key}) as ws:
        return [_paced_turn(ws, pcm) for _ in ("cold", "warm")]


def _paced_turn(ws: ClientConnection, pcm: bytes) -> dict[str, float | None]:
    request_id = uuid.uuid4().hex
    step = round(16000 * FRAME_S) * 2
    heard: list[tuple[float, str, str]] = []  # (arrival, path, body)

    def drain(until: float) -> None:
        while (left := until - time.perf_counter()) > 0:
            try:
                frame = str(ws.recv(timeout=left))
            except TimeoutError:
                return
            heard.append((time.perf_counter(), *_path_and_body(frame)))

    ws.send(f"Path:speech.context\r\nX-RequestId:{request_id}\r\n\r\n{{}}")
    started = time.perf_counter()
    for index, at in enumerate(range(0, len(pcm), step)):
        drain(started + index * FRAME_S)
        ws.send(_binary(pcm[at : at + step], request_id))
    audio_end = started + len(pcm) / 2 / 16000
    drain(audio_end)
    ws.send(_binary(b"", request_id))
    while not any(path == "turn.end" for _, path, _ in heard):
        heard.append((time.perf_counter(), *_path_and_body(str(ws.recv(timeout=120)))))
    partials = [t for t, path, _ in heard if path == "speech.hypothesis"]
    finals = [t for t, path, body in heard if path == "speech.phrase"
              and json.loads(body or "{}").get("RecognitionStatus") == "Success"]
    turn_end = next(t for t, path, _ in heard if path == "turn.end")
    return {
        "first_partial_s": partials[0] - started if partials else None,
        "final_after_end_s": finals[-1] - audio_end if finals else None,
        "turn_end_after_end_s": turn_end - audio_end,
    }


def _path_and_body(frame: str) -> tuple[str, str]:
    head, _, body = frame.partition("\r\n\r\n")
    path = next((line[5:] for line in head.split("\r\n") if line.lower().startswith("path:")),
                "")
    return path, body


def _endpoint(client: httpx.Client, model: str) -> str:
    """The id of a new endpoint serving the en-US base model `model` (what `cid=` names)."""
    listed = client.get("/speechtotext/models/base", params=API_VERSION)
    listed.raise_for_status()
    base = next((body for body in listed.json()["values"]
                 if body["properties"].get("baseModelName") == model
                 and body["locale"] == "en-US"), None)
    if base is None:
        names = sorted({b["properties"].get("baseModelName") for b in listed.json()["values"]})
        raise SystemExit(f"no en-US base model {model!r}; the service lists {names}")
    created = client.post("/speechtotext/endpoints", params=API_VERSION, json={
        "displayName": f"bench {model}", "locale": "en-US", "model": {"self": base["self"]}})
    created.raise_for_status()
    return str(created.json()["self"]).rsplit("/", 1)[1].split("?")[0]


def _median(values: list[Any]) -> float | None:
    known = [v for v in values if v is not None]
    return round(statistics.median(known), 3) if known else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--model", help="a base model for an endpoint (cid=) and raw; "
                        "default: the model language=en-US gets")
    parser.add_argument("--paced", action="store_true",
                        help="also stream each clip at real time: first-partial and final "
                        "latency (cold and warm decoder)")
    parser.add_argument("--limit", type=int, default=0, help="only the first K clips")
    args = parser.parse_args()
    clips = sorted(SMOKE.glob("*.wav"))[: args.limit or None]
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
    recognizer = open_recognizer(args.model) if args.model else open_recognizer()
    times: dict[str, list[float]] = {"raw": [], "rest": [], "websocket": []}
    ratios: dict[str, list[float]] = {"rest": [], "websocket": []}
    latency: dict[str, list[float | None]] = {
        f"{turn}_{name}": [] for turn in ("cold", "warm")
        for name in ("first_partial_s", "final_after_end_s", "turn_end_after_end_s")}
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120,
                      headers={"Ocp-Apim-Subscription-Key": key}) as client:
        params = {"language": "en-US"}
        if args.model:
            params["cid"] = _endpoint(client, args.model)
        query = "&".join(f"{k}={v}" for k, v in params.items())
        for _ in range(args.runs):
            for clip in clips:
                wav = clip.read_bytes()
                started = time.perf_counter()
                recognizer.recognize(load_audio(wav, target_rate_hz=16000))
                raw = time.perf_counter() - started
                started = time.perf_counter()
                client.post(PATH, params=params, content=wav,
                            headers={"Content-Type": "audio/wav"}).raise_for_status()
                rest = time.perf_counter() - started
                websocket = _websocket(f"ws://127.0.0.1:{port}", key, query, wav)
                for name, value in (("raw", raw), ("rest", rest), ("websocket", websocket)):
                    times[name].append(value)
                ratios["rest"].append(rest / raw)
                ratios["websocket"].append(websocket / raw)
                if args.paced:
                    samples = load_audio(wav, target_rate_hz=16000).samples
                    pcm = (np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes()
                    turns = _paced(f"ws://127.0.0.1:{port}", key, query, pcm)
                    for turn, figures in zip(("cold", "warm"), turns, strict=True):
                        for name, value in figures.items():
                            latency[f"{turn}_{name}"].append(value)
    server.should_exit = True
    audio_s = sum(load_audio(c.read_bytes()).duration_s for c in clips)
    result: dict[str, Any] = {
        "model": args.model or "language=en-US default", "raw_model": recognizer.bundle.name,
        "clips": len(clips), "audio_s": round(audio_s, 1), "runs": args.runs,
        "median_s": {k: round(statistics.median(v), 3) for k, v in times.items()},
        "median_ratio_vs_raw": {k: round(statistics.median(v), 2) for k, v in ratios.items()},
    }
    if args.paced:
        result["paced_median_s"] = {k: _median(v) for k, v in latency.items()}
        result["paced_missing"] = {k: sum(v is None for v in vs)
                                   for k, vs in latency.items() if None in vs}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
