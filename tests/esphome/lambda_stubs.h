// Minimal declarations with the signatures ESPHome gives the symbols our lambdas use
// (esphome 2026.9: core/helpers.h crc16, canbus::Canbus::send_data, uart read_byte/available,
// globals ->value()). Only for a C++ syntax/type check of the lambdas; see test_lambdas.py.
#include <vector>
#include <cstdint>
#include <cstddef>
#include <cstdio>
#include <string>
uint32_t millis();
uint16_t crc16(const uint8_t *data, uint16_t len, uint16_t crc = 0xffff, uint16_t reverse_poly = 0xa001, bool refin = false, bool refout = false);
#define ESP_LOGW(tag, ...) printf(__VA_ARGS__)
namespace canbus { enum Error : uint8_t { ERROR_OK = 0, ERROR_FAIL = 1 };
struct Canbus { Error send_data(uint32_t can_id, bool ext, bool rtr, const std::vector<uint8_t> &data); }; }
struct UARTComponent { size_t available(); bool read_byte(uint8_t *data); };
template<typename T> struct Globals { T &value(); };
extern Globals<std::vector<uint8_t>> *powmr_rx_frame, *masterbus_batch;
extern Globals<uint32_t> *powmr_rx_last_ms, *powmr_requests, *powmr_responses, *powmr_rejected,
  *masterbus_frames_to_host, *masterbus_frames_to_bus, *masterbus_rejected;
extern UARTComponent *powmr_uart;
extern canbus::Canbus *masterbus_can;
#define id(x) ID_##x
#define ID_powmr_rx_frame powmr_rx_frame->value()
#define ID_masterbus_batch masterbus_batch->value()
#define ID_powmr_rx_last_ms powmr_rx_last_ms->value()
#define ID_powmr_requests powmr_requests->value()
#define ID_powmr_responses powmr_responses->value()
#define ID_powmr_rejected powmr_rejected->value()
#define ID_masterbus_frames_to_host masterbus_frames_to_host->value()
#define ID_masterbus_frames_to_bus masterbus_frames_to_bus->value()
#define ID_masterbus_rejected masterbus_rejected->value()
#define ID_powmr_uart (*powmr_uart)
#define ID_masterbus_can (*masterbus_can)
