// Usage: node recognize.js HOST KEY WAV once|continuous
const sdk = require("microsoft-cognitiveservices-speech-sdk");
const fs = require("fs");
const [host, key, wav, mode] = process.argv.slice(2);
const config = sdk.SpeechConfig.fromHost(new URL(host), key);
config.speechRecognitionLanguage = "en-US";
const audio = sdk.AudioConfig.fromWavFileInput(fs.readFileSync(wav));
const recognizer = new sdk.SpeechRecognizer(config, audio);
const out = { partials: 0, finals: [] };
recognizer.recognizing = () => { out.partials += 1; };
const done = () => { recognizer.close(); console.log(JSON.stringify(out)); process.exit(0); };
if (mode === "once") {
  recognizer.recognizeOnceAsync((r) => {
    out.finals.push({ reason: sdk.ResultReason[r.reason], text: r.text, offset: r.offset });
    done();
  }, (e) => { out.error = String(e); done(); });
} else {
  recognizer.recognized = (_s, e) => {
    out.finals.push({ reason: sdk.ResultReason[e.result.reason], text: e.result.text,
                      offset: e.result.offset });
  };
  recognizer.canceled = (_s, e) => { out.canceled = sdk.CancellationReason[e.reason];
                                     out.details = e.errorDetails; };
  recognizer.sessionStopped = () => recognizer.stopContinuousRecognitionAsync(done, done);
  recognizer.startContinuousRecognitionAsync();
}
setTimeout(() => { out.timeout = true; done(); }, 90000);
