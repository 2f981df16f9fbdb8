#include "grading/grading.h"

namespace leadseg {

char GradingSpec::Grade(double fit) const {
  if (fit >= a) return 'A';
  if (fit >= b) return 'B';
  if (fit >= c) return 'C';
  return 'D';
}

int GradingSpec::Engagement(double score) const {
  for (int i = 0; i < 3; ++i) {
    if (score >= engagement[i]) return i + 1;
  }
  return 4;
}

}  // namespace leadseg
