#include "media/video.h"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/error.h>
#include <libswscale/swscale.h>
}

#include <algorithm>
#include <cmath>
#include <memory>
#include <optional>

namespace od::media {
namespace {

struct FormatClose {
  void operator()(AVFormatContext* f) const { avformat_close_input(&f); }
};
struct CodecFree {
  void operator()(AVCodecContext* c) const { avcodec_free_context(&c); }
};
struct FrameFree {
  void operator()(AVFrame* f) const { av_frame_free(&f); }
};
struct PacketFree {
  void operator()(AVPacket* p) const { av_packet_free(&p); }
};
struct SwsFree {
  void operator()(SwsContext* s) const { sws_freeContext(s); }
};

std::string av_reason(int code) {
  char text[AV_ERROR_MAX_STRING_SIZE] = {0};
  av_strerror(code, text, sizeof text);
  return text;
}

// One open file and the decoder of its best video stream.
class Decoder {
 public:
  Decoder(const std::string& path, const VideoLimits& limits) : limits_(limits) {
    av_log_set_level(AV_LOG_ERROR);
    AVFormatContext* raw = nullptr;
    int rc = avformat_open_input(&raw, path.c_str(), nullptr, nullptr);
    if (rc < 0) {
      throw MediaError("unreadable_video", "The file is not a readable video: " + av_reason(rc));
    }
    format_.reset(raw);
    rc = avformat_find_stream_info(format_.get(), nullptr);
    if (rc < 0) {
      throw MediaError("corrupt_video", "The video's streams cannot be read: " + av_reason(rc));
    }
    const AVCodec* codec = nullptr;
    index_ = av_find_best_stream(format_.get(), AVMEDIA_TYPE_VIDEO, -1, -1, &codec, 0);
    if (index_ < 0 || !codec) {
      throw MediaError("no_video_stream", "The file has no video stream this server can decode.");
    }
    stream_ = format_->streams[index_];
    const AVCodecParameters* par = stream_->codecpar;
    check_size(par->width, par->height);
    codec_.reset(avcodec_alloc_context3(codec));
    if (!codec_ || avcodec_parameters_to_context(codec_.get(), par) < 0) {
      throw MediaError("corrupt_video", "The video stream's parameters are invalid.");
    }
    codec_->thread_count = 1;
    rc = avcodec_open2(codec_.get(), codec, nullptr);
    if (rc < 0) {
      throw MediaError("corrupt_video", "The video decoder refused the stream: " + av_reason(rc));
    }
    packet_.reset(av_packet_alloc());
    frame_.reset(av_frame_alloc());
  }

  void check_size(int width, int height) const {
    if (width <= 0 || height <= 0) {
      throw MediaError("corrupt_video", "The video stream has no valid resolution.");
    }
    if (int64_t{width} * height > limits_.max_pixels) {
      throw MediaError("video_too_large", "The video's frames are " + std::to_string(width) + "x" +
                                              std::to_string(height) +
                                              " pixels; that is more than this server decodes.");
    }
  }

  AVFormatContext* format() const { return format_.get(); }
  AVStream* stream() const { return stream_; }

  // The keyframe before `seconds` (or, when `exact`, the first frame at or after `seconds`),
  // scaled to at most `max_width` pixels wide; nothing when the packet budget runs out first.
  std::optional<Frame> frame_at(double seconds, int max_width, bool exact) {
    double base = av_q2d(stream_->time_base);
    int64_t start = stream_->start_time == AV_NOPTS_VALUE ? 0 : stream_->start_time;
    if (base > 0) {
      auto target = static_cast<int64_t>(seconds / base) + start;
      // A failed seek (unseekable input) just decodes on from where the file is.
      av_seek_frame(format_.get(), index_, target, AVSEEK_FLAG_BACKWARD);
    }
    avcodec_flush_buffers(codec_.get());
    for (int read = 0; read < limits_.max_packets_per_frame; ++read) {
      bool draining = av_read_frame(format_.get(), packet_.get()) < 0;
      if (draining) {
        avcodec_send_packet(codec_.get(), nullptr);  // end of file: flush the last frames out
      } else {
        bool ours = packet_->stream_index == index_;
        if (ours) avcodec_send_packet(codec_.get(), packet_.get());  // bad packets are skipped
        av_packet_unref(packet_.get());
        if (!ours) continue;
      }
      // Every frame this packet completed, before the next packet goes in.
      while (avcodec_receive_frame(codec_.get(), frame_.get()) == 0) {
        int64_t pts = frame_->best_effort_timestamp;
        double at = pts == AV_NOPTS_VALUE ? seconds : std::max(0.0, (pts - start) * base);
        if (exact && at + 1e-3 < seconds) {  // still before the wanted time: decode on
          av_frame_unref(frame_.get());
          continue;
        }
        Frame out = convert(max_width);
        out.at = at;
        av_frame_unref(frame_.get());
        return out;
      }
      if (draining) return std::nullopt;
    }
    return std::nullopt;
  }

 private:
  Frame convert(int max_width) {
    int width = frame_->width, height = frame_->height;
    check_size(width, height);  // a stream may change resolution mid-way
    Frame out;
    out.width = std::min(width, max_width);
    out.height = std::max(1, static_cast<int>(std::lround(double(height) * out.width / width)));
    std::unique_ptr<SwsContext, SwsFree> scale(
        sws_getContext(width, height, static_cast<AVPixelFormat>(frame_->format), out.width,
                       out.height, AV_PIX_FMT_RGB24, SWS_BILINEAR, nullptr, nullptr, nullptr));
    if (!scale) throw MediaError("corrupt_video", "The video's pixel format cannot be converted.");
    out.rgb.resize(size_t(out.width) * out.height * 3);
    uint8_t* planes[4] = {out.rgb.data(), nullptr, nullptr, nullptr};
    int strides[4] = {out.width * 3, 0, 0, 0};
    sws_scale(scale.get(), frame_->data, frame_->linesize, 0, height, planes, strides);
    return out;
  }

  VideoLimits limits_;
  std::unique_ptr<AVFormatContext, FormatClose> format_;
  std::unique_ptr<AVCodecContext, CodecFree> codec_;
  std::unique_ptr<AVPacket, PacketFree> packet_;
  std::unique_ptr<AVFrame, FrameFree> frame_;
  AVStream* stream_ = nullptr;
  int index_ = -1;
};

constexpr int kStripFrameWidth = 240;

}  // namespace

VideoProbe probe_video(const std::string& path, const VideoLimits& limits, int strip_frames) {
  Decoder decoder(path, limits);
  AVFormatContext* format = decoder.format();
  AVStream* stream = decoder.stream();
  VideoProbe probe;
  if (format->duration != AV_NOPTS_VALUE && format->duration > 0) {
    probe.duration = double(format->duration) / AV_TIME_BASE;
  } else if (stream->duration != AV_NOPTS_VALUE && stream->duration > 0) {
    probe.duration = stream->duration * av_q2d(stream->time_base);
  }
  AVRational rate = stream->avg_frame_rate.num > 0 ? stream->avg_frame_rate : stream->r_frame_rate;
  probe.fps = rate.den > 0 ? av_q2d(rate) : 0;
  probe.codec = avcodec_get_name(stream->codecpar->codec_id);
  probe.container = format->iformat ? format->iformat->name : "";
  probe.width = stream->codecpar->width;
  probe.height = stream->codecpar->height;
  probe.has_audio = av_find_best_stream(format, AVMEDIA_TYPE_AUDIO, -1, -1, nullptr, 0) >= 0;

  // A frame a little way in says more than the first, which is often black.
  double poster_at = probe.duration > 0 ? std::min(1.0, probe.duration / 10) : 0;
  auto poster = decoder.frame_at(poster_at, limits.max_frame_width, true);
  if (!poster && poster_at > 0) poster = decoder.frame_at(0, limits.max_frame_width, false);
  if (!poster) throw MediaError("corrupt_video", "No frame of the video could be decoded.");
  probe.poster = std::move(*poster);

  for (int i = 0; i < strip_frames; ++i) {
    double at = probe.duration * i / std::max(1, strip_frames);
    auto frame = decoder.frame_at(at, kStripFrameWidth, false);
    if (!frame) continue;
    // Seeking lands on the keyframe before `at`: short videos give the same one several times.
    bool seen = std::any_of(probe.keyframes.begin(), probe.keyframes.end(),
                            [&](const Frame& f) { return std::abs(f.at - frame->at) < 1e-3; });
    if (!seen) probe.keyframes.push_back(std::move(*frame));
  }
  std::sort(probe.keyframes.begin(), probe.keyframes.end(),
            [](const Frame& a, const Frame& b) { return a.at < b.at; });
  return probe;
}

}  // namespace od::media
