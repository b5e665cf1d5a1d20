// Images are made here with libvips itself, so each test shows the input it decodes.
#include "media/image.h"

#include <gtest/gtest.h>

#include <vips/vips8>

namespace od::media {
namespace {

using vips::VImage;

class ImageTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { init_vips(); }

  // A width x height sRGB picture: the left half `left`, the right half `right`.
  static VImage halves(int width, int height, std::vector<double> left, std::vector<double> right) {
    VImage a = VImage::black(width / 2, height, VImage::option()->set("bands", 3)) + left;
    VImage b = VImage::black(width - width / 2, height, VImage::option()->set("bands", 3)) + right;
    return a.join(b, VIPS_DIRECTION_HORIZONTAL)
        .cast(VIPS_FORMAT_UCHAR)
        .copy(VImage::option()->set("interpretation", VIPS_INTERPRETATION_sRGB));
  }

  static std::string save(const VImage& image, const char* suffix) {
    void* data = nullptr;
    size_t size = 0;
    image.write_to_buffer(suffix, &data, &size);
    std::string out(static_cast<char*>(data), size);
    g_free(data);
    return out;
  }

  static VImage decode(const std::string& bytes) {
    return VImage::new_from_buffer(bytes, "").copy_memory();
  }
};

TEST_F(ImageTest, ProbeReadsDimensionsColourSpaceAlphaAndPalette) {
  VImage picture = halves(300, 200, {255, 0, 0}, {0, 0, 255});
  ImageInfo info = probe_image(save(picture, ".png"), {});
  EXPECT_EQ(info.width, 300);
  EXPECT_EQ(info.height, 200);
  EXPECT_EQ(info.format, "png");
  EXPECT_EQ(info.colour_space, "srgb");
  EXPECT_FALSE(info.has_alpha);
  ASSERT_GE(info.palette.size(), 2u);
  std::vector<std::string> hexes;
  for (const auto& s : info.palette) hexes.push_back(s.hex());
  EXPECT_NE(std::find(hexes.begin(), hexes.end(), "#ff0000"), hexes.end());
  EXPECT_NE(std::find(hexes.begin(), hexes.end(), "#0000ff"), hexes.end());

  ImageInfo with_alpha = probe_image(save(picture.bandjoin_const({128}), ".png"), {});
  EXPECT_TRUE(with_alpha.has_alpha);
  EXPECT_EQ(with_alpha.bands, 4);
}

TEST_F(ImageTest, FitFillAndCropGiveTheirBoxes) {
  std::string png = save(halves(400, 200, {255, 0, 0}, {0, 255, 0}), ".png");
  Encoded fit = render_image(png, {100, 100, Fit::Fit, Format::Png}, {});
  EXPECT_EQ(fit.width, 100);
  EXPECT_EQ(fit.height, 50);
  Encoded fill = render_image(png, {100, 100, Fit::Fill, Format::Png}, {});
  EXPECT_EQ(fill.width, 100);
  EXPECT_EQ(fill.height, 100);
  Encoded crop = render_image(png, {100, 100, Fit::Crop, Format::Png}, {});
  EXPECT_EQ(crop.width, 100);
  EXPECT_EQ(crop.height, 100);
  // The decoded bytes agree with what render_image reports.
  VImage decoded = decode(crop.bytes);
  EXPECT_EQ(decoded.width(), 100);
  EXPECT_EQ(decoded.height(), 100);
  // Fit never enlarges: a box bigger than the picture keeps its size.
  Encoded big = render_image(png, {1024, 1024, Fit::Fit, Format::Png}, {});
  EXPECT_EQ(big.width, 400);
}

TEST_F(ImageTest, EncodesWebpJpegAndPngByTheirSignatures) {
  std::string png = save(halves(64, 64, {10, 20, 30}, {200, 100, 0}).bandjoin_const({255}), ".png");
  std::string webp = render_image(png, {32, 32, Fit::Fit, Format::Webp}, {}).bytes;
  std::string jpeg = render_image(png, {32, 32, Fit::Fit, Format::Jpeg}, {}).bytes;
  std::string out_png = render_image(png, {32, 32, Fit::Fit, Format::Png}, {}).bytes;
  EXPECT_EQ(webp.substr(0, 4), "RIFF");
  EXPECT_EQ(webp.substr(8, 4), "WEBP");
  EXPECT_EQ(jpeg.substr(0, 3), "\xff\xd8\xff");
  EXPECT_EQ(out_png.substr(1, 3), "PNG");
  EXPECT_EQ(decode(jpeg).bands(), 3);  // JPEG has no alpha: flattened
}

TEST_F(ImageTest, ExifOrientationIsAppliedAndMetadataStripped) {
  VImage picture = halves(400, 200, {255, 0, 0}, {0, 0, 255});
  picture.set("orientation", 6);  // "rotate 90 clockwise to display"
  std::string jpeg = save(picture, ".jpg");
  ASSERT_EQ(decode(jpeg).get_int("orientation"), 6);  // the fixture really carries it

  ImageInfo info = probe_image(jpeg, {});
  EXPECT_EQ(info.orientation, 6);
  EXPECT_EQ(info.width, 200);  // as displayed
  EXPECT_EQ(info.height, 400);

  Encoded thumb = render_image(jpeg, {100, 100, Fit::Fit, Format::Jpeg}, {});
  EXPECT_EQ(thumb.width, 50);
  EXPECT_EQ(thumb.height, 100);
  VImage out = decode(thumb.bytes);
  EXPECT_EQ(out.width(), 50);
  EXPECT_FALSE(out.get_typeof("exif-data"));
  // Rotated clockwise, the red left half is now on top.
  auto top = out.getpoint(25, 10);
  auto bottom = out.getpoint(25, 90);
  EXPECT_GT(top[0], 200);
  EXPECT_LT(top[2], 60);
  EXPECT_GT(bottom[2], 200);
}

TEST_F(ImageTest, TruncatedFilesAreErrorsNotPictures) {
  VImage noise = VImage::gaussnoise(512, 512).cast(VIPS_FORMAT_UCHAR);
  for (const char* suffix : {".png", ".jpg"}) {
    std::string whole = save(noise, suffix);
    std::string cut = whole.substr(0, whole.size() / 2);
    try {
      render_image(cut, {64, 64, Fit::Fit, Format::Webp}, {});
      FAIL() << suffix << " truncated was decoded";
    } catch (const MediaError& e) {
      EXPECT_EQ(e.code(), "corrupt_image") << suffix;
    }
  }
  EXPECT_THROW(probe_image("definitely not an image", {}), MediaError);
}

// PNG's CRC-32 (the zlib polynomial), bit by bit: plenty for one 17-byte chunk.
uint32_t crc32_of(const std::string& bytes) {
  uint32_t crc = 0xffffffffu;
  for (unsigned char byte : bytes) {
    crc ^= byte;
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

// A tiny PNG declaring width x height: IHDR, a few bytes of IDAT, IEND, with correct CRCs.
std::string png_header(uint32_t width, uint32_t height) {
  auto be = [](uint32_t v) {
    return std::string{char(v >> 24), char(v >> 16), char(v >> 8), char(v)};
  };
  auto chunk = [&](const std::string& type_and_data) {
    return be(static_cast<uint32_t>(type_and_data.size() - 4)) + type_and_data +
           be(crc32_of(type_and_data));
  };
  return std::string("\x89PNG\r\n\x1a\n", 8) +
         chunk("IHDR" + be(width) + be(height) + std::string("\x08\x02\x00\x00\x00", 5)) +
         chunk("IDAT" + std::string("\x78\x9c\x63\x00\x00\x00\x01\x00\x01", 9)) + chunk("IEND");
}

TEST_F(ImageTest, DecompressionBombsAreRefusedFromTheHeader) {
  std::string bomb = png_header(50000, 50000);
  try {
    probe_image(bomb, {});
    FAIL() << "a 50000x50000 PNG was accepted";
  } catch (const MediaError& e) {
    EXPECT_EQ(e.code(), "image_too_large");
    EXPECT_NE(std::string(e.what()).find("50000x50000"), std::string::npos);
  }
  EXPECT_THROW(render_image(bomb, {64, 64, Fit::Fit, Format::Webp}, {}), MediaError);
  // The limit is the configured one.
  std::string small = save(halves(100, 100, {1, 2, 3}, {4, 5, 6}), ".png");
  EXPECT_THROW(probe_image(small, {.max_pixels = 9999}), MediaError);
  EXPECT_NO_THROW(probe_image(small, {.max_pixels = 10000}));
}

TEST_F(ImageTest, ThumbnailSetDecodesOnceAndMakesEverySizeInBothFormats) {
  VImage picture = halves(600, 400, {255, 0, 0}, {0, 0, 255});
  picture.set("orientation", 8);  // rotate 270: displayed 400x600
  std::vector<Thumbnail> thumbnails;
  ImageInfo info = thumbnail_set(save(picture, ".jpg"), {64, 256}, {}, thumbnails);
  EXPECT_EQ(info.width, 400);
  EXPECT_EQ(info.height, 600);
  EXPECT_FALSE(info.palette.empty());
  ASSERT_EQ(thumbnails.size(), 4u);
  for (const auto& t : thumbnails) {
    VImage decoded = decode(t.encoded.bytes);
    EXPECT_EQ(decoded.height(), t.size);  // portrait after rotation: the height fills the box
    EXPECT_EQ(decoded.width(), std::lround(t.size * 2.0 / 3));
    EXPECT_EQ(t.encoded.width, decoded.width());
  }
  EXPECT_EQ(thumbnails[0].encoded.format, Format::Webp);
  EXPECT_EQ(thumbnails[1].encoded.format, Format::Jpeg);

  std::string noisy = save(VImage::gaussnoise(400, 400).cast(VIPS_FORMAT_UCHAR), ".png");
  std::vector<Thumbnail> none;
  EXPECT_THROW(thumbnail_set(noisy.substr(0, noisy.size() / 2), {64}, {}, none), MediaError);
  EXPECT_THROW(thumbnail_set(png_header(50000, 50000), {64}, {}, none), MediaError);
}

TEST_F(ImageTest, RgbFramesEncodeAndGiveAPalette) {
  std::vector<uint8_t> rgb(80 * 40 * 3);
  for (size_t i = 0; i < rgb.size(); i += 3) rgb[i] = 255;  // pure red
  Encoded out = render_rgb(rgb.data(), 80, 40, {40, 40, Fit::Fit, Format::Jpeg});
  EXPECT_EQ(out.width, 40);
  EXPECT_EQ(out.height, 20);
  auto palette = rgb_palette(rgb.data(), 80, 40);
  ASSERT_EQ(palette.size(), 1u);
  EXPECT_EQ(palette[0].hex(), "#ff0000");
}

}  // namespace
}  // namespace od::media
