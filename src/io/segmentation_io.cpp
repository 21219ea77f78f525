// 3D Slicer .seg.nrrd reader (include/betadose/segmentation_io.hh): ITK's NRRD reader gives
// the layers as pixel components (the "list" axis) and the key/value lines as its metadata
// dictionary; geometry (RAS -> LPS included) is ITK's.
#include "betadose/segmentation_io.hh"

#include <itkImageFileReader.h>
#include <itkMetaDataObject.h>
#include <itkNrrdImageIO.h>
#include <itkVectorImage.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include "betadose/errors.hh"
#include "betadose/image_header.hh"
#include "betadose/memory_check.hh"
#include "betadose/text_parse.hh"
#include "itk_warnings.hh"

namespace bd {
namespace {

std::string first_line(const itk::ExceptionObject& e) {
  std::string d = e.GetDescription();
  const auto nl = d.find('\n');
  return nl == std::string::npos ? d : d.substr(0, nl);
}

bool parse_int(const std::string& text, int* out) {
  try {
    std::size_t used = 0;
    const int v = std::stoi(trim(text), &used);
    if (used != trim(text).size()) return false;
    *out = v;
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace

SegmentationFile read_segmentation(const std::string& path) {
  // Sizes, layers and data length before ITK (image_header.hh); ITK warnings are errors.
  const ImageFileLayout layout = check_image_file(path, ImageComponents::any);
  BD_VALIDATE(layout.format == "NRRD", path << ": a 3D Slicer segmentation is a .seg.nrrd file");
  ItkWarningsAreErrors trap(path);
  auto io = itk::NrrdImageIO::New();
  BD_VALIDATE(io->CanReadFile(path.c_str()),
              path << ": cannot be read as NRRD (a 3D Slicer segmentation is a .seg.nrrd file)");
  using Image = itk::VectorImage<float, 3>;
  auto reader = itk::ImageFileReader<Image>::New();
  reader->SetImageIO(io);
  reader->SetFileName(path);
  try {
    reader->Update();
  } catch (const itk::ExceptionObject& e) {
    throw InputError(path + ": cannot read the segmentation: " + first_line(e));
  }
  trap.check();
  BD_VALIDATE(io->GetNumberOfDimensions() == 3,
              path << ": segmentation has " << io->GetNumberOfDimensions()
                   << " spatial dimensions (3 expected, plus an optional layer axis)");
  Image* img = reader->GetOutput();
  SegmentationFile f;
  f.path = path;
  f.layers = static_cast<int>(img->GetNumberOfComponentsPerPixel());
  const auto size = img->GetLargestPossibleRegion().GetSize();
  for (unsigned a = 0; a < 3; ++a) {
    f.grid.size[a] = size[a];
    f.grid.spacing_mm[a] = img->GetSpacing()[a];
    f.grid.origin_mm[a] = img->GetOrigin()[a];
    for (unsigned c = 0; c < 3; ++c) f.grid.direction[3 * a + c] = img->GetDirection()(a, c);
  }
  validate_grid(f.grid, path);
  const auto& dict = io->GetMetaDataDictionary();
  auto get = [&](const std::string& key, std::string* value) {
    return itk::ExposeMetaData<std::string>(dict, key, *value);
  };
  // The space as the file writes it (ITK's dictionary holds it after the RAS -> LPS change).
  {
    std::ifstream in(path, std::ios::binary);
    std::string line;
    for (int n = 0; n < 4096 && std::getline(in, line) && !line.empty() && line != "\r"; ++n)
      if (line.rfind("space:", 0) == 0) f.space = trim(line.substr(6));
  }

  int count = 0;
  for (std::string v; get("Segment" + std::to_string(count) + "_Name", &v) ||
                      get("Segment" + std::to_string(count) + "_ID", &v);)
    ++count;
  BD_VALIDATE(count > 0, path << ": no Segment0_Name key, so it is not a 3D Slicer segmentation "
                                 "(for a label image use --mask NAME=FILE:LABEL)");
  BD_VALIDATE(count <= 1024, path << ": " << count << " segments (at most 1024)");
  // Segments are numbered 0..N-1; a key of a higher number means one in between is missing
  // (the count above stops at the first gap, and the segments after it would be dropped).
  for (const std::string& k : dict.GetKeys()) {
    if (k.rfind("Segment", 0) != 0) continue;
    const auto under = k.find('_');
    const std::string number = k.substr(7, under == std::string::npos ? std::string::npos : under - 7);
    int n = 0;
    if (number.empty() || !parse_int(number, &n) || n < count) continue;
    throw InputError(path + ": key " + k + " but no Segment" + std::to_string(count) +
                     "_Name or _ID: the segments are numbered with a gap (0.." + std::to_string(count - 1) +
                     " then " + std::to_string(n) + "); renumber them (e.g. re-save in 3D Slicer)");
  }
  require_memory(double(count) * double(f.grid.voxel_count()), path + ": " + std::to_string(count) + " segment masks",
                 "fewer segments");
  const float* data = img->GetBufferPointer();
  const std::size_t nvox = f.grid.voxel_count();
  const int layers = f.layers;
  for (int n = 0; n < count; ++n) {
    const std::string key = "Segment" + std::to_string(n) + "_";
    Segment s;
    get(key + "ID", &s.id);
    get(key + "Name", &s.name);
    s.name = trim(s.name);
    if (s.name.empty()) s.name = trim(s.id);
    BD_VALIDATE(!s.name.empty(), path << ": " << key << "Name is empty");
    std::string text;
    // Older Slicer versions wrote one binary layer per segment without Layer/LabelValue keys.
    const bool layer_per_segment = layers == count && layers > 1;
    if (get(key + "Layer", &text)) {
      BD_VALIDATE(parse_int(text, &s.layer), path << ": " << key << "Layer = '" << text << "' is not an integer");
    } else {
      // Without the key only a one-layer file, or one layer per segment, says where it is.
      BD_VALIDATE(layer_per_segment || layers == 1,
                  path << ": " << key << "Layer is missing in a file of " << layers << " layers and " << count
                       << " segments: which layer holds segment '" << s.name << "' is unknown");
      s.layer = layer_per_segment ? n : 0;
    }
    BD_VALIDATE(s.layer >= 0 && s.layer < layers,
                path << ": " << key << "Layer = " << s.layer << " but the file has " << layers << " layer(s)");
    // Without LabelValue a segment owns its layer, and a binary layer may be stored as 0/1
    // or 0/255 (older writers): every non-zero voxel is the segment.
    bool any_nonzero = false;
    if (get(key + "LabelValue", &text)) {
      BD_VALIDATE(parse_int(text, &s.label_value) && s.label_value != 0,
                  path << ": " << key << "LabelValue = '" << text << "' is not a non-zero integer");
    } else {
      BD_VALIDATE(layer_per_segment || count == 1,
                  path << ": " << key << "LabelValue is missing (needed when segments share a layer)");
      s.label_value = 1;
      any_nonzero = true;
    }
    s.mask = Volume<std::uint8_t>(f.grid, 0);
    const float label = static_cast<float>(s.label_value);
    for (std::size_t v = 0; v < nvox; ++v) {
      const float x = data[v * std::size_t(layers) + std::size_t(s.layer)];
      s.mask.data[v] = (any_nonzero ? x != 0.0f : x == label) ? 1 : 0;
    }
    f.segments.push_back(std::move(s));
  }
  return f;
}

}  // namespace bd
