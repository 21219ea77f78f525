// ITK's warnings count as errors while betadose reads an image (issue 11): ITK reports
// problems such as missing or unevenly spaced DICOM slices, or a NIfTI qform/sform it had to
// guess, only as warnings and goes on with a wrong geometry. Private to src/io (includes ITK).
//
//   ItkWarningsAreErrors trap(path);   // collects what ITK prints from here on
//   reader->Update();
//   trap.check();                      // InputError "<path>: ITK warning: ..." if any
#pragma once

#include <itkOutputWindow.h>

#include <mutex>
#include <string>

#include "betadose/errors.hh"

namespace bd {

class ItkWarningsAreErrors {
 public:
  explicit ItkWarningsAreErrors(std::string what) : what_(std::move(what)) {
    install();
    std::lock_guard<std::mutex> lock(mutex());
    text().clear();
  }
  void check() const {
    std::string t;
    {
      std::lock_guard<std::mutex> lock(mutex());
      t.swap(text());
    }
    if (t.empty()) return;
    while (!t.empty() && (t.back() == '\n' || t.back() == ' ')) t.pop_back();
    const auto nl = t.find('\n');
    throw InputError(what_ + ": ITK warning while reading: " + (nl == std::string::npos ? t : t.substr(0, nl)) +
                     " (betadose treats ITK warnings as errors)");
  }

 private:
  // Collects warnings and errors; plain text and debug output are dropped.
  class Window : public itk::OutputWindow {
   public:
    using Pointer = itk::SmartPointer<Window>;
    static Pointer New() {
      Pointer p = new Window;
      p->UnRegister();
      return p;
    }
    void DisplayText(const char*) override {}
    void DisplayDebugText(const char*) override {}
    void DisplayGenericOutputText(const char*) override {}
    void DisplayWarningText(const char* t) override { add(t); }
    void DisplayErrorText(const char* t) override { add(t); }

   private:
    static void add(const char* t) {
      std::lock_guard<std::mutex> lock(mutex());
      if (text().size() < 4096) text() += t ? t : "";
    }
  };
  static void install() {
    static std::once_flag once;
    std::call_once(once, [] { itk::OutputWindow::SetInstance(Window::New()); });
  }
  static std::mutex& mutex() {
    static std::mutex m;
    return m;
  }
  static std::string& text() {
    static std::string t;
    return t;
  }
  std::string what_;
};

}  // namespace bd
