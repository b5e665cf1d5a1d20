// Videos through the FFmpeg libraries: what a file is (duration, frame rate, codec, resolution,
// audio or not), a poster frame and a strip of keyframes (brief 000 ingestion: frames, keyframes,
// colour palettes). Frames come back as packed 8-bit RGB for media/image.h to encode.
//
// Input is hostile: the resolution is checked against a pixel limit before a decoder opens,
// decoders run single-threaded, and every read loop is bounded by a packet budget. Run this in
// the bounded child process (media/probe_command.h), which also caps memory and time.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "media/image.h"

namespace od::media {

struct VideoLimits {
  int64_t max_pixels = 8192LL * 8192;  // per frame
  int max_packets_per_frame = 2000;    // packets read looking for one decodable frame
  int max_frame_width = 1280;          // frames are scaled down to at most this width
};

struct Frame {
  int width = 0;
  int height = 0;
  double at = 0;  // seconds from the start
  std::vector<uint8_t> rgb;
};

struct VideoProbe {
  double duration = 0;  // seconds
  double fps = 0;
  std::string codec;      // e.g. "h264", "vp9"
  std::string container;  // e.g. "mov,mp4,m4a,3gp,3g2,mj2"
  int width = 0;
  int height = 0;
  bool has_audio = false;
  Frame poster;
  std::vector<Frame> keyframes;  // distinct keyframes, in time order, at most `strip_frames`
};

// Reads the file at `path`. Throws MediaError ("unreadable_video", "no_video_stream",
// "video_too_large", "corrupt_video").
VideoProbe probe_video(const std::string& path, const VideoLimits& limits, int strip_frames = 8);

}  // namespace od::media
