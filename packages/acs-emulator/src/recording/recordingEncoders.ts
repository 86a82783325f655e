// The emulator's recordings in the formats ACS records, encoded in process with registry packages (no apt, no
// ffmpeg): MP3 with LAME's pure-JavaScript port (@breezystack/lamejs), MP4 with H.264 video from x264 built to
// WebAssembly (h264-mp4-encoder) and the MP3 audio, multiplexed by mediabunny (pure TypeScript). MP3 in MP4 is
// standard (MPEG-4 audio object type 0x6B) and plays wherever MP4 does.

/** The picture of an audioVideo recording: small and slow, as the emulator only has to show a real track. */
export const VIDEO = { width: 320, height: 180, frameRate: 4 } as const;
export const MP3_KBPS = 32;

/** Mono PCM16 as MP3 (constant bit rate). */
export async function encodeMp3(samples: Int16Array, sampleRate: number): Promise<Buffer> {
  const { Mp3Encoder } = await import('@breezystack/lamejs');
  const encoder = new Mp3Encoder(1, sampleRate, MP3_KBPS);
  const parts: Uint8Array[] = [];
  const block = 1152;
  for (let at = 0; at < samples.length; at += block) parts.push(encoder.encodeBuffer(samples.subarray(at, at + block)));
  parts.push(encoder.flush());
  return Buffer.concat(parts.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength)));
}

/** An MP4 with an H.264 video track (a level meter of the call's audio) and an MP3 audio track. */
export async function encodeMp4(samples: Int16Array, sampleRate: number): Promise<Buffer> {
  const [video, mp3] = await Promise.all([encodeVideo(samples, sampleRate), encodeMp3(samples, sampleRate)]);
  const mb = await import('mediabunny');
  const read = (bytes: Uint8Array) => new mb.Input({ source: new mb.BufferSource(bytes), formats: mb.ALL_FORMATS });
  const videoTrack = (await read(video).getPrimaryVideoTrack())!;
  const audioTrack = (await read(mp3).getPrimaryAudioTrack())!;
  const target = new mb.BufferTarget();
  const output = new mb.Output({ format: new mb.Mp4OutputFormat(), target });
  const videoOut = new mb.EncodedVideoPacketSource('avc');
  const audioOut = new mb.EncodedAudioPacketSource('mp3');
  output.addVideoTrack(videoOut, { frameRate: VIDEO.frameRate });
  output.addAudioTrack(audioOut);
  await output.start();
  const videoConfig = (await videoTrack.getDecoderConfig()) ?? undefined;
  const audioConfig = (await audioTrack.getDecoderConfig()) ?? undefined;
  let first = true;
  for await (const packet of new mb.EncodedPacketSink(videoTrack).packets()) {
    await videoOut.add(packet, first ? { decoderConfig: videoConfig } : undefined);
    first = false;
  }
  first = true;
  for await (const packet of new mb.EncodedPacketSink(audioTrack).packets()) {
    await audioOut.add(packet, first ? { decoderConfig: audioConfig } : undefined);
    first = false;
  }
  await output.finalize();
  return Buffer.from(target.buffer!);
}

/** H.264 frames of a level meter: a bar as long as the audio is loud during each frame. */
async function encodeVideo(samples: Int16Array, sampleRate: number): Promise<Uint8Array> {
  // A CommonJS module: import() hands it over as the default export.
  const HME = (await import('h264-mp4-encoder')).default;
  const encoder = await HME.createH264MP4Encoder();
  encoder.width = VIDEO.width;
  encoder.height = VIDEO.height;
  encoder.frameRate = VIDEO.frameRate;
  encoder.quantizationParameter = 35;
  encoder.speed = 10;
  encoder.initialize();
  const perFrame = Math.floor(sampleRate / VIDEO.frameRate);
  const frames = Math.max(1, Math.ceil(samples.length / perFrame));
  const rgba = new Uint8Array(VIDEO.width * VIDEO.height * 4);
  for (let f = 0; f < frames; f++) {
    let peak = 0;
    for (let i = f * perFrame; i < Math.min(samples.length, (f + 1) * perFrame); i++)
      peak = Math.max(peak, Math.abs(samples[i]));
    const bar = Math.round((peak / 32768) * VIDEO.width);
    for (let y = 0; y < VIDEO.height; y++)
      for (let x = 0; x < VIDEO.width; x++) {
        const at = (y * VIDEO.width + x) * 4;
        const lit = x < bar && y > VIDEO.height / 3 && y < (2 * VIDEO.height) / 3;
        rgba[at] = lit ? 0 : 24;
        rgba[at + 1] = lit ? 120 : 24;
        rgba[at + 2] = lit ? 215 : 32;
        rgba[at + 3] = 255;
      }
    encoder.addFrameRgba(rgba);
  }
  encoder.finalize();
  const mp4 = encoder.FS.readFile(encoder.outputFilename);
  encoder.delete();
  return mp4;
}
