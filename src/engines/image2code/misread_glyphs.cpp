#include "engines/image2code/misread_glyphs.h"

#include <algorithm>
#include <cctype>

#include "engines/image2code/median.h"

namespace od::image2code {

namespace {

// Where the line's letters stand: the lowest bottom edge shared by most of its words without
// descenders ("When", "look", not "get" or "day,"), which sit on the baseline. Tesseract's own
// baseline runs a few pixels off on screen type. -1 when no word tells.
int letters_bottom(const OcrLine& line) {
  std::vector<int> bottoms;
  for (const auto& w : line.words) {
    bool letters =
        std::any_of(w.text.begin(), w.text.end(), [](unsigned char c) { return std::isalnum(c); });
    bool descends = w.text.find_first_of("gjpqy,;()[]{}|/@$") != std::string::npos;
    if (letters && !descends) bottoms.push_back(w.box.br().y);
  }
  return bottoms.empty() ? -1 : median(std::move(bottoms));
}

// Whether the lone "|" at `i` is the pronoun "I". Its bar ends where the letters do, give or
// take a pixel of anti-aliasing (a bar reaches a quarter em lower), and it is narrow (its box
// holds some side bearing); or, as the recogniser's boxes for it run loose, it begins a clause
// ("| have", "and | realized"): a separator stands between capitalised items ("Home | About").
bool pronoun_i(const OcrLine& line, size_t i, int letters_bottom) {
  // A bar with no word a space away is a divider or an icon's stroke.
  const cv::Rect& bar = line.words[i].box;
  auto word_near = [&](size_t k) {
    const OcrWord& w = line.words[k];
    int gap = std::max(w.box.x - bar.br().x, bar.x - w.box.br().x);
    return gap <= bar.height && std::any_of(w.text.begin(), w.text.end(),
                                            [](unsigned char c) { return std::isalpha(c); });
  };
  if (!((i > 0 && word_near(i - 1)) || (i + 1 < line.words.size() && word_near(i + 1)))) {
    return false;
  }
  if (bar.br().y <= letters_bottom + std::max(1, bar.height / 12) && bar.width * 2 <= bar.height) {
    return true;
  }
  if (i + 1 >= line.words.size()) return false;
  const OcrWord& next = line.words[i + 1];
  return std::islower(static_cast<unsigned char>(next.text[0])) &&
         next.box.x - bar.br().x <= bar.height;
}

// Whether a "-" with this box is a middle dot: about square (a hyphen is three times wider than
// high) and dot-sized, at most a third of the height of the line's words (a box that size and
// tall is the recogniser's rough box around something else).
bool middle_dot(const OcrLine& line, const cv::Rect& box) {
  std::vector<int> heights;
  for (const auto& w : line.words) {
    if (std::any_of(w.text.begin(), w.text.end(),
                    [](unsigned char c) { return std::isalpha(c); })) {
      heights.push_back(w.box.height);
    }
  }
  int word_height = heights.empty() ? 12 : median(std::move(heights));  // 12: small body type
  return box.width <= 1.5 * box.height && 3 * box.height <= word_height;
}

}  // namespace

void fix_misread_glyphs(OcrLine& line) {
  int bottom = letters_bottom(line);
  if (bottom < 0) bottom = line.baseline;
  for (size_t i = 0; i < line.words.size(); ++i) {
    OcrWord& w = line.words[i];
    if (w.text == "|" && pronoun_i(line, i, bottom)) {
      w.text = "I";
    } else if (w.text == "-" && middle_dot(line, w.box)) {
      w.text = "·";  // U+00B7
    }
    while (w.text.size() > 1 && w.text.back() == '~') w.text.pop_back();
  }
  std::erase_if(line.words, [](const OcrWord& w) { return w.text == "~"; });
}

std::vector<OcrWord> split_at_spaces(const OcrWord& word, const std::vector<OcrWord>& glyphs,
                                     float x_height) {
  if (glyphs.size() < 2) return {word};
  // Half the taller of the word's height and the x-height is 0.35-0.45 em, a word space;
  // letters of a word stand under 0.25 em apart (the recogniser's glyph boxes are rough, so
  // the margin is wide). Letter-spaced type ("S I G N  U P" on a button) has every gap wide:
  // a space also stands out from the word's usual gap.
  std::vector<int> gaps;
  for (size_t i = 1; i < glyphs.size(); ++i) {
    gaps.push_back(glyphs[i].box.x - glyphs[i - 1].box.br().x);
  }
  int usual = std::max(1, median(gaps));
  int space = std::max({4, int(0.5 * std::max<float>(word.box.height, x_height)), 3 * usual});
  std::vector<OcrWord> parts = {
      {glyphs[0].text, cv::Rect(word.box.x, word.box.y, 0, word.box.height), word.confidence}};
  for (size_t i = 0; i < glyphs.size(); ++i) {
    if (i > 0 && gaps[i - 1] >= space) {
      parts.push_back({glyphs[i].text, cv::Rect(glyphs[i].box.x, word.box.y, 0, word.box.height),
                       word.confidence});
    } else if (i > 0) {
      parts.back().text += glyphs[i].text;
    }
    parts.back().box.width = glyphs[i].box.br().x - parts.back().box.x;
  }
  // A lone letter cut off is a glyph box gone astray ("Interfac E", "Sig n"), not a word; a
  // lone digit is a number ("Tab 2").
  for (size_t i = 0; i < parts.size() && parts.size() > 1;) {
    bool stray =
        parts[i].text.size() == 1 && !std::isdigit(static_cast<unsigned char>(parts[i].text[0]));
    if (!stray) {
      ++i;
      continue;
    }
    size_t into = i > 0 ? i - 1 : i + 1;
    size_t left = std::min(i, into), right = std::max(i, into);
    parts[left].text += parts[right].text;
    parts[left].box.width = parts[right].box.br().x - parts[left].box.x;
    parts.erase(parts.begin() + right);
    i = left;
  }
  if (parts.size() < 2) return {word};
  parts.back().box.width = word.box.br().x - parts.back().box.x;  // the word's own right edge
  return parts;
}

}  // namespace od::image2code
